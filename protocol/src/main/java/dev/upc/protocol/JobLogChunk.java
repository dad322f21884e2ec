package dev.upc.protocol;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Body of {@code POST /api/v1/agents/{workerId}/logs}: lines a job's container printed, shipped while it runs. Lines
 * are numbered from 1 in the container's own log, which after a restore begins with the lines the checkpoint carried
 * over; the scheduler stitches the epochs into one log. Idempotent by (jobId, epoch, line number): a chunk that starts
 * before what the scheduler has keeps only its new lines, so an agent may send again from line 1 after a restart.
 *
 * @param jobId     the job
 * @param epoch     the container's epoch
 * @param firstLine the number of {@code lines[0]} in the container's log (1-based)
 * @param lines     up to {@value #MAX_LINES} lines, in order
 * @param complete  the container's log ended: no more lines will come for this epoch
 */
public record JobLogChunk(
        @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "letters, digits and ._- only") String jobId,
        @NotNull @Min(1) Long epoch,
        @NotNull @Min(1) Long firstLine,
        @NotNull @Size(max = MAX_LINES) List<@Valid @NotNull JobLogLine> lines,
        boolean complete) {

    public static final int MAX_LINES = 1000;

    public JobLogChunk {
        lines = lines == null ? null : List.copyOf(lines);
    }
}
