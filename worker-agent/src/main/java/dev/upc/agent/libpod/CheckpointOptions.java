package dev.upc.agent.libpod;

/**
 * @param leaveRunning   keep the container running after the dump (periodic checkpoints)
 * @param tcpEstablished checkpoint established TCP connections too
 * @param ignoreRootFs   leave the container's file system changes out of the archive
 */
public record CheckpointOptions(boolean leaveRunning, boolean tcpEstablished, boolean ignoreRootFs) {

    /** Stop the container and take everything with the archive: the options of a migration. */
    public static CheckpointOptions forMigration() {
        return new CheckpointOptions(false, false, false);
    }

    /** Keep running: the options of a periodic safety checkpoint. */
    public static CheckpointOptions periodic() {
        return new CheckpointOptions(true, false, false);
    }
}
