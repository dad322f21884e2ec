package dev.upc.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One entry of a job's stitched log, {@code GET /api/v1/jobs/{jobId}/logs} with {@code Accept: application/x-ndjson}
 * (one JSON object per line; plain text otherwise). All epochs come in order, each opened by an {@link Type#EPOCH}
 * entry, and a line carried into a restored container is given once, where it was first printed.
 *
 * @param type          what the entry is
 * @param epoch         the placement it belongs to
 * @param line          LINE: its number in the job's log (the lineage of checkpoints it descends from)
 * @param at            LINE: when it was printed; EPOCH: when the placement started
 * @param stream        LINE: {@code stdout} or {@code stderr}
 * @param text          LINE: the line; EPOCH and NOTE: a human summary
 * @param workerId      EPOCH: the worker that ran it
 * @param carriedLines  EPOCH: lines the placement's container carried over from its checkpoint (0 for a fresh start)
 * @param repeatsThrough EPOCH: when the placement restored an older checkpoint than the last one that printed, the
 *                      last line number it prints again ({@code carriedLines + 1 ..} this); else null
 * @param repeated      LINE: the line repeats output already shown (printed again after a restore from an older
 *                      checkpoint)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobLogEntry(Type type, long epoch, Long line, Instant at, String stream, String text, String workerId,
                          Long carriedLines, Long repeatsThrough, Boolean repeated) {

    public enum Type {
        /** a placement of the job begins */
        EPOCH,
        /** a line the job printed */
        LINE,
        /** something about the log itself: lines missing (the PC vanished before sending them), the size cap */
        NOTE
    }

    public static JobLogEntry line(long epoch, long line, Instant at, String stream, String text, boolean repeated) {
        return new JobLogEntry(Type.LINE, epoch, line, at, stream, text, null, null, null, repeated ? Boolean.TRUE : null);
    }

    public static JobLogEntry note(long epoch, String text) {
        return new JobLogEntry(Type.NOTE, epoch, null, null, null, text, null, null, null, null);
    }
}
