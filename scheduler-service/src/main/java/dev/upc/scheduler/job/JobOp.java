package dev.upc.scheduler.job;

/** What is in flight for a job besides its state. */
public enum JobOp {
    /** a periodic checkpoint that leaves the job running */
    CHECKPOINT,
    /** the checkpoint of a migration: the target waits for it */
    MIGRATE_CHECKPOINT,
    /** the checkpoint of an eviction: the job goes back to the queue with it */
    EVICT_CHECKPOINT,
    /** the restore of a migration on its target */
    MIGRATE_RESTORE,
    /** the restore back on the source after the target failed to restore */
    ROLLBACK_RESTORE
}
