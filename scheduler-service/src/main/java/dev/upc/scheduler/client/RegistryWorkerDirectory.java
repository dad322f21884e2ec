package dev.upc.scheduler.client;

import dev.upc.protocol.Tokens;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerList;
import dev.upc.protocol.WorkerRevocation;
import dev.upc.protocol.WorkerRevocationList;
import dev.upc.scheduler.config.SchedulerConfig;
import dev.upc.scheduler.service.CapabilityTokens.Capability;
import dev.upc.scheduler.service.KeptToken;
import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The workers as the registry sees them, with the token from config or, without one, a service token for the registry
 * alone that the scheduler mints with the cluster key ({@link KeptToken}): short-lived, and minted afresh a while
 * before it ends or when the registry refuses it. A timeout bounds a slow registry; the planner skips a round rather
 * than plan on a partial view. Every failure is a {@link RegistryUnavailableException} saying what went wrong and
 * where.
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
    private final KeptToken minted;
    private final Clock clock;

    RegistryWorkerDirectory(@RestClient RegistryApi api, SchedulerConfig config,
                            @ConfigProperty(name = "quarkus.rest-client.registry.url", defaultValue = "?") String url,
                            RegistryServiceTokens mint, Clock clock) {
        this.api = api;
        this.config = config.registry();
        this.url = url;
        this.minted = new KeptToken(() -> mint.registryService(MINTED_LIFETIME), RENEW_BEFORE, clock);
        this.clock = clock;
    }

    /** Mints the scheduler's own service tokens for the registry (listing workers and revocations, nothing else). */
    public interface RegistryServiceTokens {
        Capability registryService(Duration lifetime);
    }

    @Override
    public Uni<List<WorkerInfo>> workers() {
        return withToken(bearer -> allPages(cursor -> api.list(bearer, PAGE, cursor), WorkerList::workers,
                WorkerList::nextCursor, "workers"));
    }

    @Override
    public Uni<Void> reachable() {
        return withToken(bearer -> api.list(bearer, 1, null).replaceWithVoid());
    }

    /**
     * The revocations of the last worker-token lifetime (and a margin for the clocks of the registry and this
     * service): a worker revoked earlier holds no token that could still be good. The list stays short however many
     * PCs were ever removed.
     */
    @Override
    public Uni<List<WorkerRevocation>> revocations() {
        String since = clock.instant().minus(Tokens.WORKER_MAX_LIFETIME).minus(REVOCATION_MARGIN).toString();
        return withToken(bearer -> allPages(cursor -> api.revocations(bearer, since, PAGE, cursor),
                WorkerRevocationList::revocations, WorkerRevocationList::nextCursor,
                "revocations of the last worker-token lifetime"));
    }

    /**
     * A call to the registry with this scheduler's token (minted off the event loop), within {@link #TIMEOUT}; any
     * failure becomes a {@link RegistryUnavailableException}.
     */
    private <R> Uni<R> withToken(Function<String, Uni<R>> call) {
        return Uni.createFrom().item(this::token)
                .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                .chain(bearer -> call.apply("Bearer " + bearer))
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure().transform(this::unavailable);
    }

    /** Every item of a cursor-paged list of the registry, page by page, at most {@link #MAX_PAGES} pages. */
    private static <P, T> Uni<List<T>> allPages(Function<String, Uni<P>> page, Function<P, List<T>> items,
                                                Function<P, String> nextCursor, String what) {
        return allPages(page, items, nextCursor, what, null, new ArrayList<>(), 0);
    }

    private static <P, T> Uni<List<T>> allPages(Function<String, Uni<P>> page, Function<P, List<T>> items,
                                                Function<P, String> nextCursor, String what, String cursor,
                                                List<T> soFar, int pages) {
        return page.apply(cursor).chain(list -> {
            soFar.addAll(items.apply(list));
            String next = nextCursor.apply(list);
            if (next == null) {
                return Uni.createFrom().item(soFar);
            }
            if (pages + 1 >= MAX_PAGES) {
                return Uni.createFrom().failure(new IllegalStateException("the registry lists more than "
                        + MAX_PAGES * PAGE + " " + what));
            }
            return allPages(page, items, nextCursor, what, next, soFar, pages + 1);
        });
    }

    private RegistryUnavailableException unavailable(Throwable failure) {
        String what;
        if (failure instanceof WebApplicationException http) {
            int status = http.getResponse().getStatus();
            what = status == 401 || status == 403
                    ? "refused this scheduler's token (HTTP " + status + ")"
                    : "answered HTTP " + status;
            if (status == 401 || status == 403) {
                minted.forget(); // mint afresh next time (a configured token stays what it is)
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
        return minted.get();
    }
}
