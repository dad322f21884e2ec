package dev.upc.protocol;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/v1/agents/{workerId}/events}: what became of a command. The first event naming a command
 * acknowledges it (it is not delivered again). Events are idempotent by (commandId, type): sending one again is
 * answered 200 with outcome DUPLICATE and changes nothing. EXITED of a container carries the commandId of the RUN or
 * RESTORE that created it.
 *
 * @param commandId        the command this is about
 * @param jobId            the command's job
 * @param epoch            the command's epoch (the container's)
 * @param type             what happened
 * @param exitCode         EXITED: the process' exit code
 * @param cpuSeconds       EXITED, CHECKPOINTED: CPU time the job consumed so far
 * @param blobId           CHECKPOINTED: the blob written (must be the command's); FAILED of a RESTORE: the
 *                         checkpoint the agent refused as damaged or untrusted, if that was why (a failure of the PC
 *                         itself names none)
 * @param sizeBytes        CHECKPOINTED: archive size
 * @param sha256           CHECKPOINTED: archive sha256, lowercase hex
 * @param checkpointMillis CHECKPOINTED: time the dump took
 * @param transferMillis   CHECKPOINTED: upload time; RESTORED: download time (0 when streamed during the dump/restore)
 * @param restoreMillis    RESTORED: time the restore took
 * @param imageMillis      STARTED, RESTORED: time spent bringing the job's image onto the PC (0 when it was there)
 * @param outputBlobId     EXITED: the job's output in the store (kind outputs), if any
 * @param reason           FAILED: what went wrong; EXITED: why the agent stopped the job itself, if it did (it
 *                         wrote more to disk than the PC lends a job)
 * @param runMillis        EXITED: how long the container ran on the PC (libpod's start, or restore, to its exit), so
 *                         that its CPU time can be set against the time it had, without the report's delays
 */
public record AgentEvent(
        @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "letters, digits and ._- only") String commandId,
        @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "letters, digits and ._- only") String jobId,
        @NotNull @Min(0) Long epoch,
        @NotNull AgentEventType type,
        @Min(-1024) @Max(1024) Integer exitCode,
        @DecimalMin("0") @DecimalMax("1e12") Double cpuSeconds,
        @Size(max = 200) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "letters, digits and ._- only") String blobId,
        @Min(0) Long sizeBytes,
        @Pattern(regexp = "[a-f0-9]{64}", message = "64 lowercase hex digits") String sha256,
        @Min(0) @Max(86_400_000) Long checkpointMillis,
        @Min(0) @Max(86_400_000) Long transferMillis,
        @Min(0) @Max(86_400_000) Long restoreMillis,
        @Min(0) @Max(86_400_000) Long imageMillis,
        @Size(max = 200) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "letters, digits and ._- only") String outputBlobId,
        @Size(max = 2048) String reason,
        @Min(0) @Max(31_536_000_000L) Long runMillis) {
}
