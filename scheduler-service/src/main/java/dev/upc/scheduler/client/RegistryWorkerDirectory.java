package dev.upc.scheduler.client;

import dev.upc.protocol.Tokens;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerRevocation;
import dev.upc.protocol.WorkerList;
import dev.upc.scheduler.config.SchedulerConfig;
import io.quarkus.arc.DefaultBean;
import jakarta.ws.rs.WebApplicationException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import dev.upc.scheduler.service.CapabilityTokens.Capability;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The workers as the registry sees them, with the admin token from config or, without one, an admin token for the
 * registry alone that the scheduler mints with the cluster key: short-lived, and minted afresh a while before it
 * ends or when the registry refuses it. A timeout bounds a slow registry; the planner skips a round rather than plan on a partial view. Every failure is a
 * {@link RegistryUnavailableException} saying what went wrong and where.
 */
@DefaultBean
@ApplicationScoped
public class RegistryWorkerDirectory implements WorkerDirectory {

    /** Workers per page (the registry's largest page); a lab of 200 PCs is one request. */
    private static final int PAGE = dev.upc.protocol.Paging.MAX_LIMIT;
    /** More pages than this means something is wrong (a cursor that never ends): stop rather than loop forever. */
    private static final int MAX_PAGES = 1000;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How far the registry's clock (which stamps revocations and tokens) may be off this one's. */
    private static final Duration REVOCATION_MARGIN = Duration.ofMinutes(5);
    /** Lifetime of a minted token: short, as it travels on every planning round. */
    static final Duration MINTED_LIFETIME = Duration.ofMinutes(10);
    /** A minted token is replaced once less than this is left, so none expires between minting and use. */
    static final Duration RENEW_BEFORE = Duration.ofMinutes(2);

    private final RegistryApi api;
    private final SchedulerConfig.Registry config;
    private final String url;
    private final RegistryServiceTokens mint;
    private final Clock clock;
    private volatile Capability minted;

    RegistryWorkerDirectory(@RestClient RegistryApi api, SchedulerConfig config,
                            @ConfigProperty(name = "quarkus.rest-client.registry.url", defaultValue = "?") String url,
                            RegistryServiceTokens mint, Clock clock) {
        this.api = api;
        this.config = config.registry();
        this.url = url;
        this.mint = mint;
        this.clock = clock;
    }

    /** Mints the scheduler's own service tokens for the registry (listing workers and revocations, nothing else). */
    public interface RegistryServiceTokens {
        Capability registryService(Duration lifetime);
    }

    @Override
    public Uni<List<WorkerInfo>> workers() {
        return Uni.createFrom().item(this::token)
                .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                .chain(bearer -> pages("Bearer " + bearer, null, new ArrayList<>(), 0))
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure().transform(this::unavailable);
    }

    @Override
    public Uni<Void> reachable() {
        return Uni.createFrom().item(this::token)
                .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                .chain(bearer -> api.list("Bearer " + bearer, 1, null))
                .replaceWithVoid()
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure().transform(this::unavailable);
    }

    /**
     * The revocations of the last worker-token lifetime (and a margin for the clocks of the registry and this
     * service): a worker revoked earlier holds no token that could still be good. The list stays short however many
     * PCs were ever removed.
     */
    @Override
    public Uni<List<WorkerRevocation>> revocations() {
        String since = clock.instant().minus(Tokens.WORKER_MAX_LIFETIME).minus(REVOCATION_MARGIN).toString();
        return Uni.createFrom().item(this::token)
                .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                .chain(bearer -> revocationPages("Bearer " + bearer, since, null, new ArrayList<>(), 0))
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure().transform(this::unavailable);
    }

    /** Every page of revocations from {@code cursor} on, appended to {@code soFar}. */
    private Uni<List<WorkerRevocation>> revocationPages(String bearer, String since, String cursor,
                                                        List<WorkerRevocation> soFar, int page) {
        return api.revocations(bearer, since, PAGE, cursor).chain(list -> {
            soFar.addAll(list.revocations());
            if (list.nextCursor() == null) {
                return Uni.createFrom().item(soFar);
            }
            if (page + 1 >= MAX_PAGES) {
                return Uni.createFrom().failure(new IllegalStateException("the registry lists more than "
                        + MAX_PAGES * PAGE + " revocations of the last worker-token lifetime"));
            }
            return revocationPages(bearer, since, list.nextCursor(), soFar, page + 1);
        });
    }

    /** Every page from {@code cursor} on, appended to {@code so far}. */
    private Uni<List<WorkerInfo>> pages(String bearer, String cursor, List<WorkerInfo> soFar, int page) {
        return api.list(bearer, PAGE, cursor).chain(list -> {
            soFar.addAll(list.workers());
            if (list.nextCursor() == null) {
                return Uni.createFrom().item(soFar);
            }
            if (page + 1 >= MAX_PAGES) {
                return Uni.createFrom().failure(new IllegalStateException("the registry lists more than "
                        + MAX_PAGES * PAGE + " workers"));
            }
            return pages(bearer, list.nextCursor(), soFar, page + 1);
        });
    }

    private RegistryUnavailableException unavailable(Throwable failure) {
        String what;
        if (failure instanceof WebApplicationException http) {
            int status = http.getResponse().getStatus();
            what = status == 401 || status == 403
                    ? "refused the admin token (HTTP " + status + ")"
                    : "answered HTTP " + status;
            if (status == 401 || status == 403) {
                minted = null; // mint afresh next time (a configured token stays what it is)
            }
        } else if (failure instanceof TimeoutException) {
            what = "did not answer within " + TIMEOUT.toSeconds() + " s";
        } else if (failure instanceof dev.upc.servicehttp.ServiceNotReadyException) {
            what = "cannot be asked: " + failure.getMessage();
        } else {
            what = "cannot be reached (" + failure.getClass().getSimpleName()
                    + (failure.getMessage() == null ? "" : ": " + failure.getMessage()) + ")";
        }
        return new RegistryUnavailableException("the worker registry at " + url + " " + what, failure);
    }

    /** The configured token, else the minted one while it has a while left, else a fresh one (off the event loop). */
    private String token() {
        Optional<String> configured = config.adminToken().map(String::strip).filter(t -> !t.isEmpty());
        if (configured.isPresent()) {
            return configured.get();
        }
        Capability current = minted;
        if (current == null || !current.expiresAt().isAfter(clock.instant().plus(RENEW_BEFORE))) {
            current = mint.registryService(MINTED_LIFETIME);
            minted = current;
        }
        return current.token();
    }
}
