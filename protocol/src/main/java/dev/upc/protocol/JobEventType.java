package dev.upc.protocol;

/** What happened to a job, as recorded in its history ({@link JobEvent}). */
public enum JobEventType {
    SUBMITTED,
    /** a RUN (fresh) or RESTORE (from a checkpoint) was sent to a worker; details: workerId, fromCheckpoint */
    PLACED,
    /** the agent confirmed the container running */
    STARTED,
    /** a checkpoint archive is in the store; details: blobId, sizeBytes, sha256, checkpointMillis, transferMillis, leaveRunning */
    CHECKPOINTED,
    /** a periodic or migration checkpoint failed; details: reason */
    CHECKPOINT_FAILED,
    /** a migration began; details: from, to, reason */
    MIGRATION_STARTED,
    /** the job runs on the target; details: from, to, reason, checkpointMillis, sizeBytes, transferMillis, restoreMillis, downtimeMillis */
    MIGRATED,
    /** a migration was abandoned; details: reason, and rolledBackTo or requeued */
    MIGRATION_FAILED,
    /** its PC's owner came back: the agent holds it at near-zero CPU where it is; details: since */
    SUSPENDED,
    /** the owner left again and the agent gave it its CPU back where it was */
    RESUMED,
    /** the job was checkpointed and taken off its worker (owner back, drain, nowhere to move) */
    EVICTED,
    /** the job's worker was lost; it goes back to the queue (details: fromCheckpoint) */
    RECOVERED,
    /** the container exited; details: exitCode, cpuSeconds */
    EXITED,
    /** the job will be tried again; details: reason, retries */
    RETRIED,
    SUCCEEDED,
    FAILED,
    CANCELLED,
    /** an agent reported on a container of an older epoch; it was told to KILL or CLEANUP it */
    STALE_EVENT
}
