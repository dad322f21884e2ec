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

    /** Checkpoint the job and take it off its worker; it waits in the queue with its checkpoint. */
    public record Eviction(String jobId, String workerId, Reason reason) {
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
