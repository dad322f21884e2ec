package dev.upc.scheduler.policy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the policy may look at, taken at one instant. The policy does no I/O of its own.
 *
 * @param reservedCpus CPUs promised on a worker beyond the jobs placed there: the targets of migrations whose
 *                     checkpoint is still in flight (the job still counts on its source until it lands)
 */
public record ClusterSnapshot(Instant now, List<WorkerView> workers, List<JobView> jobs,
                              Map<String, Integer> reservedCpus) {

    public ClusterSnapshot {
        workers = List.copyOf(workers);
        jobs = List.copyOf(jobs);
        reservedCpus = Map.copyOf(reservedCpus);
    }

    public ClusterSnapshot(Instant now, List<WorkerView> workers, List<JobView> jobs) {
        this(now, workers, jobs, Map.of());
    }
}
