package dev.upc.agent.libpod;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Consumer;

/**
 * Turns libpod's log stream ({@code logs?timestamps=true}) into lines as its bytes arrive, in pieces of any size.
 *
 * <p>The stream is a sequence of frames: one byte stream id (1 stdout, 2 stderr), three zero bytes, a 4-byte
 * big-endian payload length, the payload. Each payload is one entry of the container's log file: an RFC 3339
 * timestamp, a space, and either a whole line with its newline or a piece of a longer one without (conmon cuts lines
 * at 8 KiB; verified with podman 4.3.1). So a line is the texts of its stream's entries up to a newline, stamped with
 * the time of its first piece; stdout and stderr are assembled apart. Text stays bytes until a line is whole: a frame
 * may end inside a multi-byte character.
 *
 * <p>Memory is bounded whatever a container prints: a line keeps at most the bytes that {@code maxChars} characters
 * can take, the rest of it is skipped, and its text is cut to {@code maxChars}.
 */
public final class LogFrameDecoder {

    private static final int HEADER = 8;
    /** An RFC 3339 timestamp with nanoseconds and an offset is 35 bytes; anything longer before a space is text. */
    private static final int STAMP_LIMIT = 40;

    private final int maxChars;
    private final int maxLineBytes;
    private final byte[] header = new byte[HEADER];
    private int headerFill;
    private long payloadLeft;
    private final byte[] stamp = new byte[STAMP_LIMIT];
    private int stampFill;
    private boolean inStamp;
    private Instant frameAt;
    private Pending current;
    private final Pending stdout;
    private final Pending stderr;
    private long framesDecoded;
    private long linesStarted;

    /** @param maxChars the longest text a line keeps (in UTF-16 characters, as {@code String.length} counts) */
    public LogFrameDecoder(int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be positive: " + maxChars);
        }
        this.maxChars = maxChars;
        // a character takes at most 4 bytes: this many always decode to more than maxChars characters
        this.maxLineBytes = 4 * maxChars + 4;
        this.stdout = new Pending(LogLine.Stream.STDOUT);
        this.stderr = new Pending(LogLine.Stream.STDERR);
    }

    /**
     * Decodes the next bytes of the stream and hands every line they complete to {@code lines}, in order.
     *
     * @throws IllegalArgumentException when the bytes are not libpod log frames (e.g. a container with a terminal)
     */
    public void feed(byte[] bytes, int offset, int length, Consumer<StampedLogLine> lines) {
        int at = offset;
        int end = offset + length;
        while (at < end) {
            if (payloadLeft == 0) {
                int n = Math.min(HEADER - headerFill, end - at);
                System.arraycopy(bytes, at, header, headerFill, n);
                headerFill += n;
                at += n;
                if (headerFill == HEADER) {
                    startFrame();
                }
                continue;
            }
            int n = (int) Math.min(payloadLeft, end - at);
            payload(bytes, at, n, lines);
            at += n;
            payloadLeft -= n;
            if (payloadLeft == 0) {
                endFrame(lines);
            }
        }
    }

    /**
     * The stream ended: hands on the lines still waiting for a newline (a job's last line need not have one), in the
     * order they began.
     */
    public void end(Consumer<StampedLogLine> lines) {
        Pending first = stdout.startedAs <= stderr.startedAs ? stdout : stderr;
        Pending second = first == stdout ? stderr : stdout;
        if (first.started()) {
            first.emit(lines);
        }
        if (second.started()) {
            second.emit(lines);
        }
    }

    private void startFrame() {
        headerFill = 0;
        byte id = header[0];
        if ((id != 1 && id != 2) || header[1] != 0 || header[2] != 0 || header[3] != 0) {
            throw new IllegalArgumentException("not a libpod log frame after " + framesDecoded + " frames: header "
                    + java.util.HexFormat.of().formatHex(header));
        }
        current = id == 2 ? stderr : stdout;
        payloadLeft = ((header[4] & 0xffL) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
                | (header[7] & 0xff);
        inStamp = true;
        stampFill = 0;
        frameAt = null;
        framesDecoded++;
    }

    private void payload(byte[] bytes, int from, int length, Consumer<StampedLogLine> lines) {
        int at = from;
        int end = from + length;
        while (inStamp && at < end) {
            byte b = bytes[at++];
            if (b == ' ') {
                inStamp = false;
                frameAt = parseStamp();
                if (frameAt == null) { // not a timestamp after all: it was text
                    text(stamp, 0, stampFill, lines);
                    text(new byte[] {' '}, 0, 1, lines);
                }
            } else if (stampFill == STAMP_LIMIT || b == '\n') {
                inStamp = false;
                text(stamp, 0, stampFill, lines);
                text(new byte[] {b}, 0, 1, lines);
            } else {
                stamp[stampFill++] = b;
            }
        }
        if (at < end) {
            text(bytes, at, end - at, lines);
        }
    }

    private void endFrame(Consumer<StampedLogLine> lines) {
        if (inStamp) { // the payload ended before a space: it was text
            inStamp = false;
            text(stamp, 0, stampFill, lines);
        }
    }

    private void text(byte[] bytes, int from, int length, Consumer<StampedLogLine> lines) {
        int lineStart = from;
        int end = from + length;
        for (int i = from; i < end; i++) {
            if (bytes[i] == '\n') {
                current.append(bytes, lineStart, i - lineStart);
                current.emit(lines);
                lineStart = i + 1;
            }
        }
        current.append(bytes, lineStart, end - lineStart);
    }

    private Instant parseStamp() {
        try {
            String text = new String(stamp, 0, stampFill, StandardCharsets.US_ASCII);
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The line a stream is assembling. */
    private final class Pending {
        private final LogLine.Stream stream;
        private ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Instant at;
        private boolean started;
        private long startedAs = Long.MAX_VALUE;

        Pending(LogLine.Stream stream) {
            this.stream = stream;
        }

        boolean started() {
            return started;
        }

        private void begin() {
            if (!started) {
                started = true;
                at = frameAt;
                startedAs = linesStarted++;
            }
        }

        void append(byte[] source, int from, int length) {
            if (length == 0) {
                return;
            }
            begin();
            int room = maxLineBytes - bytes.size();
            if (room > 0) {
                bytes.write(source, from, Math.min(room, length));
            }
        }

        void emit(Consumer<StampedLogLine> lines) {
            begin(); // an empty line begins at its newline
            String text = bytes.toString(StandardCharsets.UTF_8);
            if (text.length() > maxChars) {
                int cut = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
                text = text.substring(0, cut);
            }
            StampedLogLine line = new StampedLogLine(at, stream, text);
            if (bytes.size() > 8192) {
                bytes = new ByteArrayOutputStream(); // do not keep a long line's buffer for every line after it
            } else {
                bytes.reset();
            }
            started = false;
            at = null;
            startedAs = Long.MAX_VALUE;
            lines.accept(line);
        }
    }
}
