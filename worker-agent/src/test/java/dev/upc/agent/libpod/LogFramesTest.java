package dev.upc.agent.libpod;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.libpod.LogLine.Stream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogFramesTest {

    @Test
    void framesOfStdoutAndStderrBecomeLinesOfTheirStream() {
        byte[] raw = frames(frame(1, "upc-counter start mem=0MiB sum=0\n"), frame(2, "warning: low memory\n"),
                frame(1, "tick 1 state=1 mem none\ntick 2 state=2 mem none\n"));

        assertThat(LogFrames.parse(raw)).containsExactly(
                new LogLine(Stream.STDOUT, "upc-counter start mem=0MiB sum=0"),
                new LogLine(Stream.STDERR, "warning: low memory"),
                new LogLine(Stream.STDOUT, "tick 1 state=1 mem none"),
                new LogLine(Stream.STDOUT, "tick 2 state=2 mem none"));
    }

    @Test
    void lineSplitAcrossTwoFramesIsOneLine() {
        byte[] raw = frames(frame(1, "tick 41 sta"), frame(1, "te=29 mem ok\ntick 42"), frame(1, " state=2a mem ok\n"));

        assertThat(LogFrames.parse(raw)).containsExactly(
                new LogLine(Stream.STDOUT, "tick 41 state=29 mem ok"),
                new LogLine(Stream.STDOUT, "tick 42 state=2a mem ok"));
    }

    @Test
    void partialLinesOfStdoutAndStderrDoNotMix() {
        byte[] raw = frames(frame(1, "out "), frame(2, "err "), frame(1, "line\n"), frame(2, "line\n"));

        assertThat(LogFrames.parse(raw)).containsExactly(
                new LogLine(Stream.STDOUT, "out line"),
                new LogLine(Stream.STDERR, "err line"));
    }

    @Test
    void characterSplitAcrossTwoFramesStaysWhole() {
        byte[] euro = "€\n".getBytes(StandardCharsets.UTF_8); // three bytes, then the newline
        byte[] raw = frames(frame(1, bytes("price 3", euro, 0, 1)), frame(1, bytes("", euro, 1, euro.length)));

        assertThat(LogFrames.parse(raw)).containsExactly(new LogLine(Stream.STDOUT, "price 3€"));
    }

    @Test
    void lastLineWithoutNewlineIsKept() {
        assertThat(LogFrames.parse(frames(frame(1, "done\nno newline"))))
                .containsExactly(new LogLine(Stream.STDOUT, "done"), new LogLine(Stream.STDOUT, "no newline"));
    }

    @Test
    void plainTextWithoutFrameHeadersIsStdout() {
        byte[] raw = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);

        assertThat(LogFrames.parse(raw)).containsExactly(
                new LogLine(Stream.STDOUT, "line one"),
                new LogLine(Stream.STDOUT, "line two"));
    }

    @Test
    void frameCutShortKeepsWhatArrived() {
        byte[] whole = frame(1, "tick 7 state=7 mem ok\n");
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 8);

        assertThat(LogFrames.parse(cut)).containsExactly(new LogLine(Stream.STDOUT, "tick 7 state=7"));
    }

    @Test
    void emptyLogHasNoLines() {
        assertThat(LogFrames.parse(new byte[0])).isEmpty();
    }

    static byte[] frame(int stream, String text) {
        return frame(stream, text.getBytes(StandardCharsets.UTF_8));
    }

    /** libpod's frame: stream id, three zero bytes, big-endian length, payload. */
    static byte[] frame(int stream, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).put((byte) stream).put(new byte[3]).putInt(payload.length)
                .put(payload).array();
    }

    static byte[] frames(byte[]... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            out.writeBytes(frame);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(String prefix, byte[] source, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(prefix.getBytes(StandardCharsets.UTF_8));
        out.write(source, from, to - from);
        return out.toByteArray();
    }
}
