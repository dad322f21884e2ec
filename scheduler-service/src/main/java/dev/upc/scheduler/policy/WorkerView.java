package dev.upc.scheduler.policy;

/**
 * A PC as the policy sees it.
 *
 * @param score    benchmark score of one core: reference-CPU seconds of work done per second
 * @param cpus     cores the owner lends to jobs
 * @param memoryMiB memory the owner lends to jobs
 * @param ownerActive the owner is using the PC: it must be vacated and gets no new jobs
 * @param draining an admin asked for the PC to be emptied
 * @param diskMiB  the most one job may write to disk there ({@link #UNLIMITED_DISK}: no limit)
 */
public record WorkerView(String id, Liveness liveness, boolean ownerActive, boolean draining, double score, int cpus,
                         long memoryMiB, HostFacts facts, long diskMiB) {

    /** Memory a worker lends when it does not say (simulations of CPU-bound jobs). */
    public static final long UNLIMITED_MEMORY = Long.MAX_VALUE / 4;

    /** A worker that sets no limit on what a job writes to disk. */
    public static final long UNLIMITED_DISK = Long.MAX_VALUE;

    public enum Liveness { ONLINE, SUSPECT, LOST }

    public WorkerView {
        if (score <= 0 || cpus < 0 || memoryMiB < 0 || diskMiB < 0) {
            throw new IllegalArgumentException("worker " + id + ": score must be > 0, cpus, memory and disk >= 0");
        }
    }

    /** A worker that sets no limit on what a job writes to disk. */
    public WorkerView(String id, Liveness liveness, boolean ownerActive, boolean draining, double score, int cpus,
                      long memoryMiB, HostFacts facts) {
        this(id, liveness, ownerActive, draining, score, cpus, memoryMiB, facts, UNLIMITED_DISK);
    }

    /** A worker whose memory is no constraint. */
    public WorkerView(String id, Liveness liveness, boolean ownerActive, boolean draining, double score, int cpus,
                      HostFacts facts) {
        this(id, liveness, ownerActive, draining, score, cpus, UNLIMITED_MEMORY, facts);
    }

    /** Whether new work may start here. */
    public boolean accepting() {
        return liveness == Liveness.ONLINE && !ownerActive && !draining && cpus > 0;
    }

    /** Work per second of a job using {@code jobCpus} cores here. */
    public double speed(int jobCpus) {
        return score * jobCpus;
    }
}
