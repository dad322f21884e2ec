package dev.upc.agent.libpod;

/**
 * @param leaveRunning   keep the container running after the dump (periodic checkpoints)
 * @param tcpEstablished checkpoint established TCP connections too
 * @param ignoreRootFs   leave the container's file system changes out of the archive
 * @param keep           keep the dump in the container's directory after the export, so the stopped container can be
 *                       restored in place ({@link LibpodClient#restoreInPlace}) if the archive never reaches its
 *                       destination
 */
public record CheckpointOptions(boolean leaveRunning, boolean tcpEstablished, boolean ignoreRootFs, boolean keep) {

    /** Stop the container and take everything with the archive: the options of a migration. */
    public static CheckpointOptions forMigration() {
        return new CheckpointOptions(false, false, false, false);
    }

    /** Keep running: the options of a periodic safety checkpoint. */
    public static CheckpointOptions periodic() {
        return new CheckpointOptions(true, false, false, false);
    }

    /** The same, keeping the dump on this PC until the container is removed. */
    public CheckpointOptions keepingDump() {
        return new CheckpointOptions(leaveRunning, tcpEstablished, ignoreRootFs, true);
    }
}
