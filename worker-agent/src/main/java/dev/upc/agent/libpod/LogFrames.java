package dev.upc.agent.libpod;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes libpod's log stream. For containers without a terminal every piece of output comes in a
 * frame: one byte stream id (1 stdout, 2 stderr), three zero bytes, a 4-byte big-endian length, then
 * the bytes. Anything that does not look like a frame is taken as plain stdout text.
 */
final class LogFrames {

    private LogFrames() {
    }

    static List<LogLine> parse(byte[] raw) {
        List<LogLine> lines = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        int at = 0;
        while (at < raw.length) {
            if (!isFrameHeader(raw, at)) {
                split(new String(raw, at, raw.length - at, StandardCharsets.UTF_8), LogLine.Stream.STDOUT, out, lines);
                break;
            }
            LogLine.Stream stream = raw[at] == 2 ? LogLine.Stream.STDERR : LogLine.Stream.STDOUT;
            int length = ((raw[at + 4] & 0xff) << 24) | ((raw[at + 5] & 0xff) << 16)
                    | ((raw[at + 6] & 0xff) << 8) | (raw[at + 7] & 0xff);
            int end = (int) Math.min((long) at + 8 + length, raw.length);
            String text = new String(raw, at + 8, end - at - 8, StandardCharsets.UTF_8);
            split(text, stream, stream == LogLine.Stream.STDERR ? err : out, lines);
            at = end;
        }
        flush(out, LogLine.Stream.STDOUT, lines);
        flush(err, LogLine.Stream.STDERR, lines);
        return lines;
    }

    private static boolean isFrameHeader(byte[] raw, int at) {
        return at + 8 <= raw.length && (raw[at] == 1 || raw[at] == 2) && raw[at + 1] == 0 && raw[at + 2] == 0
                && raw[at + 3] == 0;
    }

    private static void split(String text, LogLine.Stream stream, StringBuilder pending, List<LogLine> lines) {
        pending.append(text);
        int newline;
        while ((newline = pending.indexOf("\n")) >= 0) {
            lines.add(new LogLine(stream, pending.substring(0, newline)));
            pending.delete(0, newline + 1);
        }
    }

    private static void flush(StringBuilder pending, LogLine.Stream stream, List<LogLine> lines) {
        if (pending.length() > 0) {
            lines.add(new LogLine(stream, pending.toString()));
        }
    }
}
