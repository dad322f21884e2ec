package dev.upc.agent.libpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The incremental decoder of libpod's log frames, fed the shapes podman 4.3.1 sends (recorded with curl on this
 * machine: one frame per log entry, every payload opened by an RFC 3339 timestamp, long lines in 8 KiB pieces).
 */
class LogFrameDecoderTest {

    private static final String T1 = "2026-12-04T18:05:59Z";
    private static final String T2 = "2026-12-04T18:06:00Z";

    @Test
    void framesBecomeStampedLinesOfTheirStream() {
        byte[] log = concat(frame(1, T1 + " tick 1\n"), frame(2, T1 + " err 1\n"), frame(1, T2 + " tick 2\n"));

        assertThat(decodeWhole(log, 100)).containsExactly(
                new StampedLogLine(Instant.parse(T1), LogLine.Stream.STDOUT, "tick 1"),
                new StampedLogLine(Instant.parse(T1), LogLine.Stream.STDERR, "err 1"),
                new StampedLogLine(Instant.parse(T2), LogLine.Stream.STDOUT, "tick 2"));
    }

    @Test
    void anyWayOfSplittingTheBytesGivesTheSameLines() {
        byte[] log = concat(frame(1, T1 + " tick 1\n"), frame(2, T1 + " fehl\u00e9r \u20ac \uD83D\uDE00\n"),
                frame(1, T1 + " a piece "), frame(1, T2 + " and the rest\n"), frame(1, T2 + " \n"),
                frame(2, T2 + " last"));
        List<StampedLogLine> whole = decodeWhole(log, 100);

        assertThat(decodeInPieces(log, 100, 1)).isEqualTo(whole);
        Random random = new Random(15);
        for (int round = 0; round < 200; round++) {
            assertThat(decodeRandomly(log, 100, random)).isEqualTo(whole);
        }
        assertThat(whole).extracting(StampedLogLine::text)
                .containsExactly("tick 1", "fehl\u00e9r \u20ac \uD83D\uDE00", "a piece and the rest", "", "last");
    }

    @Test
    void aCharacterSplitBetweenTwoPiecesOfALineIsWhole() {
        byte[] e = "\u00e9".getBytes(StandardCharsets.UTF_8); // C3 A9
        byte[] log = concat(frame(1, concat(ascii(T1 + " caf"), new byte[] {e[0]})),
                frame(1, concat(ascii(T2 + " "), new byte[] {e[1]}, ascii(" ok\n"))));

        List<StampedLogLine> lines = decodeInPieces(log, 100, 3);

        assertThat(lines).containsExactly(new StampedLogLine(Instant.parse(T1), LogLine.Stream.STDOUT, "caf\u00e9 ok"));
    }

    @Test
    void aPartialLineOfOneStreamWaitsWhileTheOtherCompletesLines() {
        byte[] log = concat(frame(1, T1 + " progress: "), frame(2, T1 + " warning\n"), frame(1, T2 + " 50%\n"));

        assertThat(decodeWhole(log, 100)).extracting(StampedLogLine::stream, StampedLogLine::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple(LogLine.Stream.STDERR, "warning"),
                org.assertj.core.groups.Tuple.tuple(LogLine.Stream.STDOUT, "progress: 50%"));
    }

    @Test
    void timestampsWithOffsetsAndFractionsAreRead() {
        byte[] log = concat(frame(1, "2026-12-04T18:05:59+09:00 east\n"),
                frame(1, "2026-12-04T18:05:59.123456789Z fine\n"));

        assertThat(decodeWhole(log, 100)).extracting(StampedLogLine::at).containsExactly(
                Instant.parse("2026-12-04T09:05:59Z"), Instant.parse("2026-12-04T18:05:59.123456789Z"));
    }

    @Test
    void aPayloadWithoutTimestampIsTextWithoutTime() {
        assertThat(decodeWhole(frame(1, "no stamp here\n"), 100))
                .containsExactly(new StampedLogLine(null, LogLine.Stream.STDOUT, "no stamp here"));
        assertThat(decodeWhole(frame(1, "x".repeat(60) + " y\n"), 100))
                .containsExactly(new StampedLogLine(null, LogLine.Stream.STDOUT, "x".repeat(60) + " y"));
    }

    @Test
    void aLongLineIsCutAndItsBytesAreNotAllKept() {
        // 20 MB in conmon's 8 KiB pieces: the decoder keeps at most 4 * 1000 + 4 bytes of it
        LogFrameDecoder decoder = new LogFrameDecoder(1000);
        List<StampedLogLine> lines = new ArrayList<>();
        byte[] piece = frame(1, T1 + " " + "a".repeat(8192));
        for (int i = 0; i < 2500; i++) {
            decoder.feed(piece, 0, piece.length, lines::add);
        }
        byte[] end = frame(1, T1 + " tail\n");
        decoder.feed(end, 0, end.length, lines::add);

        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).text()).hasSize(1000).matches("a+");
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String smileys = "\uD83D\uDE00".repeat(10); // 20 chars
        List<StampedLogLine> lines = decodeWhole(frame(1, T1 + " x" + smileys + "\n"), 6);

        assertThat(lines.get(0).text()).isEqualTo("x\uD83D\uDE00\uD83D\uDE00"); // 5 chars, not 6 with half a pair
    }

    @Test
    void theEndHandsOnUnfinishedLinesInTheOrderTheyBegan() {
        LogFrameDecoder decoder = new LogFrameDecoder(100);
        List<StampedLogLine> lines = new ArrayList<>();
        byte[] log = concat(frame(2, T1 + " err without newline"), frame(1, T2 + " out without newline"));
        decoder.feed(log, 0, log.length, lines::add);
        assertThat(lines).isEmpty();

        decoder.end(lines::add);

        assertThat(lines).extracting(StampedLogLine::text)
                .containsExactly("err without newline", "out without newline");
    }

    @Test
    void bytesThatAreNotFramesAreRefused() {
        byte[] tty = ascii("2026-12-04T18:05:59Z plain text from a terminal\n");

        assertThatThrownBy(() -> decodeWhole(tty, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a libpod log frame");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    static byte[] frame(int stream, String payload) {
        return frame(stream, payload.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] frame(int stream, byte[] payload) {
        byte[] frame = new byte[8 + payload.length];
        frame[0] = (byte) stream;
        frame[4] = (byte) (payload.length >>> 24);
        frame[5] = (byte) (payload.length >>> 16);
        frame[6] = (byte) (payload.length >>> 8);
        frame[7] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 8, payload.length);
        return frame;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static List<StampedLogLine> decodeWhole(byte[] log, int maxChars) {
        return decodeInPieces(log, maxChars, log.length);
    }

    private static List<StampedLogLine> decodeInPieces(byte[] log, int maxChars, int pieceSize) {
        LogFrameDecoder decoder = new LogFrameDecoder(maxChars);
        List<StampedLogLine> lines = new ArrayList<>();
        for (int at = 0; at < log.length; at += pieceSize) {
            decoder.feed(log, at, Math.min(pieceSize, log.length - at), lines::add);
        }
        decoder.end(lines::add);
        return lines;
    }

    private static List<StampedLogLine> decodeRandomly(byte[] log, int maxChars, Random random) {
        LogFrameDecoder decoder = new LogFrameDecoder(maxChars);
        List<StampedLogLine> lines = new ArrayList<>();
        for (int at = 0; at < log.length; ) {
            int n = Math.min(1 + random.nextInt(12), log.length - at);
            decoder.feed(log, at, n, lines::add);
            at += n;
        }
        decoder.end(lines::add);
        return lines;
    }
}
