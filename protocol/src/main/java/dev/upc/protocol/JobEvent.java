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
 * @param workerName the name of {@code workerId}'s PC as the scheduler knows it now, or null
 */
public record JobEvent(long seq, JobEventType type, Instant at, long epoch, String workerId, Map<String, Object> details,
                       String workerName) {

    public JobEvent {
        details = details == null ? Map.of() : details;
    }

    /** An entry whose PC's name is not known (or there is no PC). */
    public JobEvent(long seq, JobEventType type, Instant at, long epoch, String workerId, Map<String, Object> details) {
        this(seq, type, at, epoch, workerId, details, null);
    }

    public JobEvent withWorkerName(String name) {
        return new JobEvent(seq, type, at, epoch, workerId, details, name);
    }
}
