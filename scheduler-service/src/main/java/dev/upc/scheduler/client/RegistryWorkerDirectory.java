package dev.upc.scheduler.client;

import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerList;
import dev.upc.scheduler.config.SchedulerConfig;
import io.quarkus.arc.DefaultBean;
import jakarta.ws.rs.WebApplicationException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The workers as the registry sees them, with the admin token from config (or the file the registry writes). A
 * timeout bounds a slow registry; the planner skips a round rather than plan on a partial view. Every failure is a
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

    private final RegistryApi api;
    private final SchedulerConfig.Registry config;
    private final String url;
    private volatile String token;

    RegistryWorkerDirectory(@RestClient RegistryApi api, SchedulerConfig config,
                            @ConfigProperty(name = "quarkus.rest-client.registry.url", defaultValue = "?") String url) {
        this.api = api;
        this.config = config.registry();
        this.url = url;
    }

    @Override
    public Uni<List<WorkerInfo>> workers() {
        return Uni.createFrom().item(this::token)
                .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                .chain(bearer -> pages("Bearer " + bearer, null, new java.util.ArrayList<>(), 0))
                .ifNoItem().after(TIMEOUT).fail()
                .onFailure().transform(this::unavailable);
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
                token = null; // read again next time: the registry may have written a new one
            }
        } else if (failure instanceof TimeoutException) {
            what = "did not answer within " + TIMEOUT.toSeconds() + " s";
        } else if (failure instanceof IllegalStateException && failure.getMessage() != null
                && failure.getMessage().contains("admin token")) {
            what = "cannot be asked: " + failure.getMessage();
        } else {
            what = "cannot be reached (" + failure.getClass().getSimpleName()
                    + (failure.getMessage() == null ? "" : ": " + failure.getMessage()) + ")";
        }
        return new RegistryUnavailableException("the worker registry at " + url + " " + what, failure);
    }

    /** Read once (off the event loop), then cached. */
    private String token() {
        String cached = token;
        if (cached != null) {
            return cached;
        }
        Optional<String> configured = config.adminToken().filter(t -> !t.isBlank());
        if (configured.isPresent()) {
            token = configured.get().trim();
            return token;
        }
        Path file = config.adminTokenFile().orElseThrow(() -> new IllegalStateException(
                "no registry admin token: set upc.scheduler.registry.admin-token or admin-token-file"));
        try {
            token = Files.readString(file).trim();
            return token;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the registry admin token from " + file, e);
        }
    }
}
