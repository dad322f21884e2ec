package dev.upc.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "upc.registry")
public interface RegistryConfig {

    /**
     * The cluster join token a PC presents (as a bearer token) to register; compared in constant time. Unset (no
     * UPC_JOIN_TOKEN), the registry keeps running unready, saying so, rather than failing its start.
     */
    Optional<String> joinToken();

    /** How often workers are asked to heartbeat. */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /** A worker whose last heartbeat is older than this is SUSPECT. */
    @WithDefault("30s")
    Duration suspectAfter();

    /** A worker whose last heartbeat is older than this is LOST; must exceed suspect-after. */
    @WithDefault("90s")
    Duration lostAfter();

    /**
     * Lifetime of a worker token, at most an hour ({@code Tokens.WORKER_MAX_LIFETIME}); the agent re-registers (same
     * id, fresh token, its own credential) five minutes before it ends.
     */
    @WithDefault("1h")
    Duration workerTokenTtl();

    /**
     * Whether a newly enrolled PC waits, drained, until an admin approves it ({@code upc workers approve}): the join
     * token alone then gets a PC no job and no other PC's checkpoint. Off for a local cluster whose PCs the
     * operator starts; on in the Kubernetes manifests.
     */
    @WithDefault("false")
    boolean approveNewWorkers();

    /** How often the workers-per-status gauges are recounted from the database. */
    @WithDefault("15s")
    Duration metricsRefresh();
}
