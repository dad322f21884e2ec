package dev.upc.protocol;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of a job's history.
 *
 * @param seq      position in the job's history (ascending)
 * @param type     what happened
 * @param at       when the scheduler recorded it
 * @param epoch    the job's epoch the entry is about
 * @param workerId the worker involved, if any
 * @param details  type-specific facts (sizes in bytes, durations in milliseconds, reasons), see {@link JobEventType}
 */
public record JobEvent(long seq, JobEventType type, Instant at, long epoch, String workerId, Map<String, Object> details) {

    public JobEvent {
        details = details == null ? Map.of() : details;
    }
}
