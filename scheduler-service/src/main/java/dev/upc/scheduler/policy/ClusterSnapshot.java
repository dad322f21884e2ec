package dev.upc.scheduler.policy;

import java.time.Instant;
import java.util.List;

/** Everything the policy may look at, taken at one instant. The policy does no I/O of its own. */
public record ClusterSnapshot(Instant now, List<WorkerView> workers, List<JobView> jobs) {

    public ClusterSnapshot {
        workers = List.copyOf(workers);
        jobs = List.copyOf(jobs);
    }
}
