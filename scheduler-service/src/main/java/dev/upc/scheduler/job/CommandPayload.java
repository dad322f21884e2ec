package dev.upc.scheduler.job;

import dev.upc.protocol.JobSubmission;

/**
 * What a queued command carries besides its columns. Capability tokens are not stored: each delivery mints a fresh
 * one for {@code blobId}, so a command re-delivered after a long gap still works.
 *
 * @param job          the spec, for RUN and RESTORE; for CHECKPOINT it bounds the archive (see CapabilityTokens)
 * @param blobId       the checkpoint blob, for CHECKPOINT (written) and RESTORE (read)
 * @param leaveRunning for CHECKPOINT: a periodic checkpoint
 */
public record CommandPayload(JobSubmission job, String blobId, boolean leaveRunning) {

    public static CommandPayload none() {
        return new CommandPayload(null, null, false);
    }
}
