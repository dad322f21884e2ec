package dev.upc.scheduler.job;

import dev.upc.scheduler.policy.HostFacts;
import java.time.Instant;
import java.util.Map;

/**
 * A move of a running job under way: where to, why, since when, and what its checkpoint cost (known once it was
 * taken). Evictions have no target.
 *
 * @param target      the worker that restores the job, or null for an eviction
 * @param targetFacts that worker's facts when it was chosen
 * @param reason      why (FASTER_WORKER, OWNER_ACTIVE, DRAIN, MANUAL, …)
 * @param startedAt   when the CHECKPOINT was sent: the start of the job's downtime
 * @param checkpoint  checkpointMillis, transferMillis and sizeBytes of the migration's checkpoint, once taken
 */
public record Migration(String target, HostFacts targetFacts, String reason, Instant startedAt,
                        Map<String, Object> checkpoint) {

    public Migration {
        checkpoint = checkpoint == null ? null : Map.copyOf(checkpoint);
    }

    Migration withCheckpoint(Map<String, Object> timings) {
        return new Migration(target, targetFacts, reason, startedAt, timings);
    }

    /** The target has taken over; what is left is the record of the move until RESTORED. */
    Migration landed() {
        return new Migration(null, null, reason, startedAt, checkpoint);
    }
}
