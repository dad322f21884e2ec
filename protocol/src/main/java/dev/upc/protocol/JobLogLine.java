package dev.upc.protocol;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * One line a job printed, as its PC's container runtime recorded it.
 *
 * @param at     when it was printed (the runtime's timestamp on the PC that ran it); lines carried into a restored
 *               container keep the timestamp of their first printing
 * @param stream {@code stdout} or {@code stderr}
 * @param text   the line without its newline, at most {@value #MAX_TEXT} characters (agents cut longer ones)
 */
public record JobLogLine(
        @NotNull Instant at,
        @NotNull @Pattern(regexp = "stdout|stderr", message = "stdout or stderr") String stream,
        @NotNull @Size(max = MAX_TEXT) String text) {

    public static final int MAX_TEXT = 16 * 1024;
}
