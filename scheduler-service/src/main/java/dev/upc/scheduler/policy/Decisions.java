package dev.upc.scheduler.policy;

import java.util.List;

/** What the policy wants done this round. The orchestrator turns each into commands. */
public record Decisions(List<Placement> placements, List<Migration> migrations, List<Eviction> evictions,
                        List<Recovery> recoveries, List<Failure> failures, List<PeriodicCheckpoint> checkpoints) {

    public Decisions {
        placements = List.copyOf(placements);
        migrations = List.copyOf(migrations);
        evictions = List.copyOf(evictions);
        recoveries = List.copyOf(recoveries);
        failures = List.copyOf(failures);
        checkpoints = List.copyOf(checkpoints);
    }

    public boolean isEmpty() {
        return placements.isEmpty() && migrations.isEmpty() && evictions.isEmpty() && recoveries.isEmpty()
                && failures.isEmpty() && checkpoints.isEmpty();
    }

    public enum Reason { FASTER_WORKER, OWNER_ACTIVE, DRAIN, WORKER_LOST }

    /** Start a queued job on a worker, from its newest checkpoint when {@code fromCheckpoint}. */
    public record Placement(String jobId, String workerId, boolean fromCheckpoint) {
    }

    /** Checkpoint the job on {@code from} and restore it on {@code to}. */
    public record Migration(String jobId, String from, String to, Reason reason, double expectedGainSeconds) {
    }

    /**
     * Take the job off its worker: checkpointed, so that it waits in the queue with its checkpoint; or, for a job
     * that cannot be checkpointed ({@code checkpoint} false), killed, to start again from scratch elsewhere (not a
     * failure: no retry is spent).
     */
    public record Eviction(String jobId, String workerId, Reason reason, boolean checkpoint) {

        public Eviction(String jobId, String workerId, Reason reason) {
            this(jobId, workerId, reason, true);
        }
    }

    /** The job's worker is gone: queue it again, to resume from its newest checkpoint or from scratch. */
    public record Recovery(String jobId, String lostWorkerId, boolean fromCheckpoint) {
    }

    /** Give up on the job (e.g. out of retries). */
    public record Failure(String jobId, String reason) {
    }

    /** Take a checkpoint and keep the job running, to bound the work lost if its PC vanishes. */
    public record PeriodicCheckpoint(String jobId, String workerId) {
    }
}
