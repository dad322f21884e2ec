package dev.upc.agent.job;

import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventType;
import dev.upc.protocol.BlobInfo;
import java.time.Duration;

/** The events an agent reports, built from the command they answer. */
public final class Events {

    private static final int REASON_LIMIT = 2048;

    private Events() {
    }

    public static AgentEvent started(AgentCommand c, Duration image) {
        return new AgentEvent(c.commandId(), c.jobId(), c.epoch(), AgentEventType.STARTED, null, null, null, null,
                null, null, null, null, image.toMillis(), null, null, null);
    }

    /** The phases of a restore: the image brought here, the archive handed to libpod, CRIU's restore. */
    public static AgentEvent restored(AgentCommand c, Duration image, Duration transfer, Duration restore) {
        return new AgentEvent(c.commandId(), c.jobId(), c.epoch(), AgentEventType.RESTORED, null, null, null, null,
                null, null, transfer.toMillis(), restore.toMillis(), image.toMillis(), null, null, null);
    }

    public static AgentEvent checkpointed(AgentCommand c, BlobInfo blob, Duration checkpoint, Duration transfer,
                                          Double cpuSeconds) {
        return new AgentEvent(c.commandId(), c.jobId(), c.epoch(), AgentEventType.CHECKPOINTED, null, cpuSeconds,
                blob.id(), blob.size(), blob.sha256(), checkpoint.toMillis(), transfer.toMillis(), null, null, null,
                null, null);
    }

    /**
     * A container of the job ended (or, for KILL and CLEANUP, is gone).
     *
     * @param ran how long it ran, or null when unknown
     */
    /** @param stoppedBecause why the agent stopped the job itself ({@link DiskWatch}); null when it ended alone */
    public static AgentEvent exited(String commandId, String jobId, long epoch, Integer exitCode, Double cpuSeconds,
                                    String outputBlobId, Duration ran, String stoppedBecause) {
        return new AgentEvent(commandId, jobId, epoch, AgentEventType.EXITED, exitCode, cpuSeconds, null, null, null,
                null, null, null, null, outputBlobId, stoppedBecause, ran == null ? null : ran.toMillis());
    }

    public static AgentEvent gone(AgentCommand c) {
        return exited(c.commandId(), c.jobId(), c.epoch(), null, null, null, null, null);
    }

    /** A PREFETCH is under way. */
    public static AgentEvent accepted(AgentCommand c) {
        return new AgentEvent(c.commandId(), c.jobId(), c.epoch(), AgentEventType.ACCEPTED, null, null, null, null,
                null, null, null, null, null, null, null, null);
    }

    public static AgentEvent failed(AgentCommand c, String reason) {
        return failed(c, reason, null);
    }

    /**
     * @param refusedBlob a RESTORE's checkpoint refused as damaged or untrusted (not this PC's failing), or null
     */
    public static AgentEvent failed(AgentCommand c, String reason, String refusedBlob) {
        String text = reason == null || reason.isBlank() ? "unknown failure" : reason;
        if (text.length() > REASON_LIMIT) {
            text = text.substring(0, REASON_LIMIT - 1) + "…";
        }
        return new AgentEvent(c.commandId(), c.jobId(), c.epoch(), AgentEventType.FAILED, null, null, refusedBlob,
                null, null, null, null, null, null, null, text, null);
    }
}
