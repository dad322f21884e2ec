package dev.upc.scheduler.client;

import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerList;
import dev.upc.scheduler.config.SchedulerConfig;
import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The workers as the registry sees them, with the admin token from config (or the file the registry writes). A
 * timeout bounds a slow registry; the planner skips a round rather than plan on a partial view.
 */
@DefaultBean
@ApplicationScoped
public class RegistryWorkerDirectory implements WorkerDirectory {

    private static final int LIMIT = 10000;

    private final RegistryApi api;
    private final SchedulerConfig.Registry config;
    private volatile String token;

    RegistryWorkerDirectory(@RestClient RegistryApi api, SchedulerConfig config) {
        this.api = api;
        this.config = config.registry();
    }

    @Override
    public Uni<List<WorkerInfo>> workers() {
        return Uni.createFrom().item(this::token)
                .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool())
                .chain(bearer -> api.list("Bearer " + bearer, LIMIT))
                .ifNoItem().after(Duration.ofSeconds(10)).fail()
                .map(WorkerList::workers);
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
