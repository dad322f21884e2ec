package dev.upc.scheduler.policy;

/**
 * Knobs of the policy, with the measured migration costs it plans with.
 *
 * @param migrateForSpeed     move running jobs to faster free workers when it pays
 * @param transferBytesPerSecond measured checkpoint throughput: dump, transfer and restore together
 * @param fixedMigrationSeconds  per-migration overhead independent of size
 * @param startSeconds        time to start a fresh job (image present)
 * @param marginSeconds       a migration must gain at least this much …
 * @param marginFraction      … plus this fraction of the job's remaining time where it is
 * @param minResidenceSeconds a job stays this long where it was placed before a speed migration
 * @param unknownWork         assumed remaining work of a job without estimate that has barely run
 * @param maxSuspendSeconds   a job its agent suspended for the owner waits at most this long on the owner's PC for a
 *                            free PC or the owner to leave; then it is taken off (it still holds the owner's memory)
 */
public record PolicySettings(boolean migrateForSpeed, double transferBytesPerSecond, double fixedMigrationSeconds,
                             double startSeconds, double marginSeconds, double marginFraction,
                             double minResidenceSeconds, double unknownWork, double maxSuspendSeconds) {

    /** HTCondor's MaxSuspendTime default. */
    public static final double DEFAULT_MAX_SUSPEND_SECONDS = 600;

    public PolicySettings(boolean migrateForSpeed, double transferBytesPerSecond, double fixedMigrationSeconds,
                          double startSeconds, double marginSeconds, double marginFraction,
                          double minResidenceSeconds, double unknownWork) {
        this(migrateForSpeed, transferBytesPerSecond, fixedMigrationSeconds, startSeconds, marginSeconds,
                marginFraction, minResidenceSeconds, unknownWork, DEFAULT_MAX_SUSPEND_SECONDS);
    }

    /** Costs measured on this project's reference machine (./upc bench migration: ~130 MiB/s end to end). */
    public static PolicySettings defaults() {
        return new PolicySettings(true, 130e6, 1.0, 1.0, 30, 0.10, 60, 600);
    }

    public PolicySettings withoutMigration() {
        return new PolicySettings(false, transferBytesPerSecond, fixedMigrationSeconds, startSeconds, marginSeconds,
                marginFraction, minResidenceSeconds, unknownWork, maxSuspendSeconds);
    }

    /** Seconds a job of this checkpoint size is stopped while it moves. */
    public double migrationSeconds(long checkpointBytes) {
        return fixedMigrationSeconds + checkpointBytes / transferBytesPerSecond;
    }
}
