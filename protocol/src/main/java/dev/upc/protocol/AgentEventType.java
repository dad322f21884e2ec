package dev.upc.protocol;

/**
 * What an agent reports about a command.
 * <ul>
 *   <li>STARTED — a RUN's container runs.</li>
 *   <li>CHECKPOINTED — a CHECKPOINT's archive is in the store (blobId, sizeBytes, sha256, checkpointMillis,
 *       transferMillis).</li>
 *   <li>RESTORED — a RESTORE's container runs (restoreMillis, transferMillis).</li>
 *   <li>EXITED — the container of a RUN or RESTORE exited (exitCode, cpuSeconds, outputBlobId); also the
 *       acknowledgement of a KILL or CLEANUP (the container is gone).</li>
 *   <li>FAILED — the command could not be carried out (reason).</li>
 *   <li>ACCEPTED — a PREFETCH is under way; nothing more is reported about it (its RESTORE reports).</li>
 * </ul>
 */
public enum AgentEventType {
    STARTED,
    CHECKPOINTED,
    RESTORED,
    EXITED,
    FAILED,
    ACCEPTED
}
