package dev.upc.agent.libpod;

import java.time.Instant;

/**
 * One line a container printed, with the time its runtime recorded it.
 *
 * @param at     when the line's first piece was logged (second precision from libpod); null when the frame carried
 *               no timestamp
 * @param stream where it was printed
 * @param text   the line without its newline, cut to the decoder's limit
 */
public record StampedLogLine(Instant at, LogLine.Stream stream, String text) {
}
