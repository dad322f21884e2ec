package dev.upc.agent.libpod;

import java.io.ByteArrayOutputStream;
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
        // bytes, not text, until a line is whole: a frame may end inside a multi-byte character
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int at = 0;
        while (at < raw.length) {
            if (!isFrameHeader(raw, at)) {
                split(raw, at, raw.length, LogLine.Stream.STDOUT, out, lines);
                break;
            }
            LogLine.Stream stream = raw[at] == 2 ? LogLine.Stream.STDERR : LogLine.Stream.STDOUT;
            int length = ((raw[at + 4] & 0xff) << 24) | ((raw[at + 5] & 0xff) << 16)
                    | ((raw[at + 6] & 0xff) << 8) | (raw[at + 7] & 0xff);
            int end = (int) Math.min((long) at + 8 + length, raw.length);
            split(raw, at + 8, end, stream, stream == LogLine.Stream.STDERR ? err : out, lines);
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

    private static void split(byte[] raw, int from, int to, LogLine.Stream stream, ByteArrayOutputStream pending,
                              List<LogLine> lines) {
        int lineStart = from;
        for (int i = from; i < to; i++) {
            if (raw[i] == '\n') {
                pending.write(raw, lineStart, i - lineStart);
                lines.add(new LogLine(stream, pending.toString(StandardCharsets.UTF_8)));
                pending.reset();
                lineStart = i + 1;
            }
        }
        pending.write(raw, lineStart, to - lineStart);
    }

    private static void flush(ByteArrayOutputStream pending, LogLine.Stream stream, List<LogLine> lines) {
        if (pending.size() > 0) {
            lines.add(new LogLine(stream, pending.toString(StandardCharsets.UTF_8)));
        }
    }
}
