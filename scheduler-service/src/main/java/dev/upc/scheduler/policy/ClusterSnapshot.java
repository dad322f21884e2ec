package dev.upc.scheduler.policy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the policy may look at, taken at one instant. The policy does no I/O of its own.
 *
 * @param reservedCpus      CPUs promised on a worker beyond the jobs placed there: the targets of migrations whose
 *                          checkpoint is still in flight (the job still counts on its source until it lands)
 * @param reservedMemoryMiB memory promised in the same way
 * @param migrationCosts    what moves cost, as measured so far
 */
public record ClusterSnapshot(Instant now, List<WorkerView> workers, List<JobView> jobs,
                              Map<String, Integer> reservedCpus, Map<String, Long> reservedMemoryMiB,
                              MigrationCosts migrationCosts) {

    public ClusterSnapshot {
        workers = List.copyOf(workers);
        jobs = List.copyOf(jobs);
        reservedCpus = Map.copyOf(reservedCpus);
        reservedMemoryMiB = Map.copyOf(reservedMemoryMiB);
        migrationCosts = migrationCosts == null ? MigrationCosts.MODEL : migrationCosts;
    }

    /** A snapshot whose moves cost what the settings' model says. */
    public ClusterSnapshot(Instant now, List<WorkerView> workers, List<JobView> jobs,
                           Map<String, Integer> reservedCpus, Map<String, Long> reservedMemoryMiB) {
        this(now, workers, jobs, reservedCpus, reservedMemoryMiB, MigrationCosts.MODEL);
    }

    public ClusterSnapshot(Instant now, List<WorkerView> workers, List<JobView> jobs,
                           Map<String, Integer> reservedCpus) {
        this(now, workers, jobs, reservedCpus, Map.of());
    }

    public ClusterSnapshot(Instant now, List<WorkerView> workers, List<JobView> jobs) {
        this(now, workers, jobs, Map.of(), Map.of());
    }
}
