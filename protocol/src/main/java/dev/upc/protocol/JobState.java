package dev.upc.protocol;

/**
 * Where a job is in its lifecycle: {@code QUEUED → PLACED → RUNNING ⇄ MIGRATING → RUNNING … → SUCCEEDED | FAILED |
 * CANCELLED}. PLACED means a RUN or RESTORE was sent and the agent has not yet confirmed it.
 */
public enum JobState {
    QUEUED,
    PLACED,
    RUNNING,
    MIGRATING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    /** Whether the job will never run again. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
