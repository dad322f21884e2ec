package dev.upc.scheduler.policy;

import java.util.Optional;

/** A scheduling policy: pure functions from a snapshot of the cluster to decisions. */
public interface PlacementPolicy {

    String name();

    Decisions decide(ClusterSnapshot snapshot);

    /**
     * Where a running job should go when someone asks to move it: {@code requested} (a worker id) if it can take the
     * job now, else — when nothing was requested — the worker this policy thinks best.
     */
    MigrationTarget migrationTarget(ClusterSnapshot snapshot, String jobId, Optional<String> requested);
}
