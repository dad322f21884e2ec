package dev.upc.agent.state;

/**
 * A job container this agent created or restored, as remembered across agent restarts. A restored container keeps the
 * labels of its source, so this record, not the labels, says which command made it.
 *
 * @param name       {@code upc-<jobId>-<epoch>}
 * @param jobId      the job
 * @param epoch      the placement epoch the container belongs to
 * @param commandId  the RUN or RESTORE that made it: its EXITED event carries this id
 * @param outputPath the job's output directory inside the container, or null
 * @param cpus       the CPU time per second it may use on this PC
 * @param memoryMiB  its memory limit
 * @param dumpBlobId set when a checkpoint stopped the container: the blob its kept dump equals, so a restore of that
 *                   blob on this PC (a rolled-back migration) is done in place, with no transfer
 * @param diskMiB    the most the job may write to its file system, as it asked; 0 when not known (a container
 *                   adopted, or remembered by an older agent): the PC's limit alone
 */
public record ManagedContainer(String name, String jobId, long epoch, String commandId, String outputPath,
                               double cpus, long memoryMiB, String dumpBlobId, long diskMiB) {

    /** A container whose job's disk allowance is not known. */
    public ManagedContainer(String name, String jobId, long epoch, String commandId, String outputPath, double cpus,
                            long memoryMiB, String dumpBlobId) {
        this(name, jobId, epoch, commandId, outputPath, cpus, memoryMiB, dumpBlobId, 0);
    }

    public ManagedContainer withDump(String blobId) {
        return new ManagedContainer(name, jobId, epoch, commandId, outputPath, cpus, memoryMiB, blobId, diskMiB);
    }

    public ManagedContainer withCpus(double newCpus) {
        return new ManagedContainer(name, jobId, epoch, commandId, outputPath, newCpus, memoryMiB, dumpBlobId,
                diskMiB);
    }

    /** The same job's container under a new epoch's name, made by {@code commandId}. */
    public ManagedContainer renamed(String newName, long newEpoch, String newCommandId) {
        return new ManagedContainer(newName, jobId, newEpoch, newCommandId, outputPath, cpus, memoryMiB, null,
                diskMiB);
    }
}
