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
 * @param suspendedSince    running jobs their agent holds suspended for the PC's owner, by id: since when
 * @param lostWorkerAllowance how many LOST workers' jobs may be given away this round ({@link #ALL_LOST}: every one);
 *                          fewer when a large share of the PCs went silent at once (see {@link LostWorkers})
 */
public record ClusterSnapshot(Instant now, List<WorkerView> workers, List<JobView> jobs,
                              Map<String, Integer> reservedCpus, Map<String, Long> reservedMemoryMiB,
                              MigrationCosts migrationCosts, Map<String, Instant> suspendedSince,
                              int lostWorkerAllowance) {

    /** No limit on giving lost workers' jobs away. */
    public static final int ALL_LOST = Integer.MAX_VALUE;

    public ClusterSnapshot {
        workers = List.copyOf(workers);
        jobs = List.copyOf(jobs);
        reservedCpus = Map.copyOf(reservedCpus);
        reservedMemoryMiB = Map.copyOf(reservedMemoryMiB);
        migrationCosts = migrationCosts == null ? MigrationCosts.MODEL : migrationCosts;
        suspendedSince = Map.copyOf(suspendedSince);
        if (lostWorkerAllowance < 0) {
            throw new IllegalArgumentException("lostWorkerAllowance must not be negative: " + lostWorkerAllowance);
        }
    }

    /** A snapshot in which every lost worker's jobs may be given away. */
    public ClusterSnapshot(Instant now, List<WorkerView> workers, List<JobView> jobs,
                           Map<String, Integer> reservedCpus, Map<String, Long> reservedMemoryMiB,
                           MigrationCosts migrationCosts, Map<String, Instant> suspendedSince) {
        this(now, workers, jobs, reservedCpus, reservedMemoryMiB, migrationCosts, suspendedSince, ALL_LOST);
    }

    /** A snapshot in which no job is suspended. */
    public ClusterSnapshot(Instant now, List<WorkerView> workers, List<JobView> jobs,
                           Map<String, Integer> reservedCpus, Map<String, Long> reservedMemoryMiB,
                           MigrationCosts migrationCosts) {
        this(now, workers, jobs, reservedCpus, reservedMemoryMiB, migrationCosts, Map.of());
    }

    /** The same snapshot with these jobs held suspended. */
    public ClusterSnapshot withSuspended(Map<String, Instant> suspended) {
        return new ClusterSnapshot(now, workers, jobs, reservedCpus, reservedMemoryMiB, migrationCosts, suspended,
                lostWorkerAllowance);
    }

    /** The same snapshot, giving away the jobs of at most {@code allowance} lost workers. */
    public ClusterSnapshot withLostWorkerAllowance(int allowance) {
        return new ClusterSnapshot(now, workers, jobs, reservedCpus, reservedMemoryMiB, migrationCosts, suspendedSince,
                allowance);
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
