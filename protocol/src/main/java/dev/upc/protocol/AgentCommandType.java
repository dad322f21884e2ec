package dev.upc.protocol;

/**
 * The verbs the scheduler sends an agent. Each command names one container, {@code upc-<jobId>-<epoch>}.
 * <ul>
 *   <li>RUN — create and start the job's container from {@code job} (image, command, env, limits).</li>
 *   <li>CHECKPOINT — checkpoint the container and PUT the archive to {@code checkpoints/<blobId>} with the write
 *       capability; stop it unless {@code leaveRunning}. A stopped container is kept until a CLEANUP.</li>
 *   <li>RESTORE — GET {@code checkpoints/<blobId>} with the read capability and restore it as a container named
 *       {@code containerName} (the new epoch), then apply {@code job}'s limits.</li>
 *   <li>PREFETCH — sent to a migration's target together with the source's CHECKPOINT: fetch
 *       {@code checkpoints/<blobId>} while the source still uploads it ({@link BlobHeaders#FOLLOW}) and stage it in
 *       libpod's restore of {@code containerName}, holding back its end, so that the RESTORE that follows the
 *       CHECKPOINTED finds the transfer done. Nothing runs before that RESTORE claims it; unclaimed, it is dropped.
 *       Answered at once with ACCEPTED.</li>
 *   <li>KILL — stop and remove the container, whatever it is doing (stale epoch, cancelled job, lost and back).</li>
 *   <li>CLEANUP — remove a container that is no longer needed (the stopped source of a migration).</li>
 * </ul>
 */
public enum AgentCommandType {
    RUN,
    CHECKPOINT,
    RESTORE,
    KILL,
    CLEANUP,
    PREFETCH
}
