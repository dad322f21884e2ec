package dev.upc.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One command for an agent, from {@code GET /api/v1/agents/{workerId}/commands}. It is delivered again on every poll
 * until an event with its {@code commandId} acknowledges it, so the agent must handle each commandId once (and keep
 * handling one it already started, rather than start it again).
 *
 * @param commandId           unique id; the key of idempotency
 * @param type                the verb
 * @param jobId               the job
 * @param epoch               the epoch of the container this command is about (for KILL/CLEANUP: the old one's)
 * @param containerName       {@code upc-<jobId>-<epoch>}: the container to create (RUN, RESTORE) or act on
 * @param job                 the job's spec, for RUN and RESTORE
 * @param blobId              the checkpoint blob id (kind {@code checkpoints}), for CHECKPOINT and RESTORE
 * @param blobSha256          for RESTORE: the sha256 the source PC reported for the checkpoint when it stored it;
 *                            the restoring PC refuses a blob with another (the store is not trusted to keep it)
 * @param capabilityToken     for CHECKPOINT (write) and RESTORE (read): a bearer token for that one blob in the store
 * @param capabilityExpiresAt when the capability token expires; a fresh one comes with every delivery
 * @param leaveRunning        for CHECKPOINT: keep the container running (periodic checkpoint)
 * @param createdAt           when the scheduler queued the command
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentCommand(String commandId, AgentCommandType type, String jobId, long epoch, String containerName,
                           JobSubmission job, String blobId, String blobSha256, String capabilityToken,
                           Instant capabilityExpiresAt, boolean leaveRunning, Instant createdAt) {

    /** The name of a job's container in one epoch. */
    public static String containerName(String jobId, long epoch) {
        return "upc-" + jobId + "-" + epoch;
    }
}
