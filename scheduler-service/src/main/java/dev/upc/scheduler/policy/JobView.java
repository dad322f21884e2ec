package dev.upc.scheduler.policy;

import java.time.Instant;

/**
 * A job as the policy sees it.
 *
 * @param workerId        where it runs, or {@code null} while queued
 * @param memoryMiB       the memory it needs (its limit); 0 = none to speak of
 * @param workEstimate    the submitter's estimate in reference-CPU seconds, or {@code null} if unknown
 * @param workDone        reference-CPU seconds done so far (kept across checkpoints)
 * @param checkpointBytes expected size of its checkpoint archive (about its resident memory)
 * @param checkpoint      the newest checkpoint and where it was taken, or {@code null}
 * @param since           when it was last placed (migrations wait a little before the next one)
 * @param lastCheckpointAt when the newest checkpoint was taken, or {@code null}
 * @param diskMiB         the most it may write to disk: only PCs lending a job that much take it; 0 = none to speak of
 */
public record JobView(String id, Phase phase, String workerId, int cpus, long memoryMiB, Double workEstimate,
                      double workDone, long checkpointBytes, boolean migratable, CheckpointRef checkpoint, int retries,
                      int maxRetries, long checkpointIntervalSeconds, Instant since, Instant lastCheckpointAt,
                      long diskMiB) {

    public enum Phase {
        /** waiting for a worker, perhaps with a checkpoint to resume from */
        QUEUED,
        /** running on {@code workerId} */
        RUNNING,
        /** a command is in flight (placement, checkpoint, migration): leave it alone this round */
        BUSY
    }

    /** The newest checkpoint of a job: where it was taken decides where it may be restored. */
    public record CheckpointRef(String blobId, HostFacts origin) {
    }

    public JobView {
        if (cpus < 1 || memoryMiB < 0 || diskMiB < 0) {
            throw new IllegalArgumentException("job " + id + " needs at least one cpu and no negative memory or disk");
        }
    }

    /** A job whose disk is no constraint. */
    public JobView(String id, Phase phase, String workerId, int cpus, long memoryMiB, Double workEstimate,
                   double workDone, long checkpointBytes, boolean migratable, CheckpointRef checkpoint, int retries,
                   int maxRetries, long checkpointIntervalSeconds, Instant since, Instant lastCheckpointAt) {
        this(id, phase, workerId, cpus, memoryMiB, workEstimate, workDone, checkpointBytes, migratable, checkpoint,
                retries, maxRetries, checkpointIntervalSeconds, since, lastCheckpointAt, 0);
    }

    /** A job whose memory is no constraint (simulations of CPU-bound jobs). */
    public JobView(String id, Phase phase, String workerId, int cpus, Double workEstimate, double workDone,
                   long checkpointBytes, boolean migratable, CheckpointRef checkpoint, int retries, int maxRetries,
                   long checkpointIntervalSeconds, Instant since, Instant lastCheckpointAt) {
        this(id, phase, workerId, cpus, 0, workEstimate, workDone, checkpointBytes, migratable, checkpoint, retries,
                maxRetries, checkpointIntervalSeconds, since, lastCheckpointAt);
    }

    /** The same job back in the queue, as after its worker was lost. */
    JobView requeued(boolean fromCheckpoint) {
        return new JobView(id, Phase.QUEUED, null, cpus, memoryMiB, workEstimate, fromCheckpoint ? workDone : 0,
                checkpointBytes, migratable, checkpoint, retries + 1, maxRetries, checkpointIntervalSeconds, since,
                lastCheckpointAt, diskMiB);
    }

    /**
     * Remaining work in reference-CPU seconds. A job past its estimate is expected to need a little
     * more. A job without estimate is expected to need {@code unknownWork} in all, and once it has run
     * longer than half of that, about as long again as it has run (long jobs tend to run long).
     */
    public double remainingWork(double unknownWork) {
        if (workEstimate == null) {
            return Math.max(unknownWork - workDone, workDone);
        }
        return Math.max(workEstimate - workDone, 0.05 * workEstimate);
    }
}
