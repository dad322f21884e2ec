package dev.upc.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.JobLogChunk;
import dev.upc.protocol.JobLogLine;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bounded outbox between a container's follower and its shipper: when chunks are due and what they hold. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class LogOutboxTest {

    private static final Instant AT = Instant.parse("2026-12-04T18:05:59Z");

    @Test
    void aChunkHoldsAtMostTheLineLimitAndWaitsForNoLinger() throws Exception {
        LogOutbox outbox = outbox(64L << 20, 1 << 20, Duration.ofHours(1));
        for (int i = 1; i <= 2500; i++) {
            outbox.add(i, line("line " + i));
        }

        JobLogChunk first = outbox.nextChunk(); // due at once although the linger is an hour: it is full

        assertThat(first.lines()).hasSize(JobLogChunk.MAX_LINES);
        assertThat(first.firstLine()).isEqualTo(1);
        assertThat(first.complete()).isFalse();
        outbox.delivered(first, 1001);
        JobLogChunk second = outbox.nextChunk();
        assertThat(second.firstLine()).isEqualTo(1001);
        assertThat(second.lines().get(0).text()).isEqualTo("line 1001");
    }

    @Test
    void aChunkHoldsAtMostTheByteLimit() throws Exception {
        LogOutbox outbox = outbox(64L << 20, 10_000, Duration.ofHours(1));
        String text = "x".repeat(1000 - LogOutbox.LINE_OVERHEAD); // 1000 bytes with the line's overhead
        for (int i = 1; i <= 25; i++) {
            outbox.add(i, line(text));
        }

        JobLogChunk chunk = outbox.nextChunk();

        assertThat(chunk.lines()).hasSize(10);
    }

    @Test
    void aLoneLineWaitsForTheLingerThenGoes() throws Exception {
        LogOutbox outbox = outbox(1 << 20, 1 << 20, Duration.ofMillis(300));
        long start = System.nanoTime();
        outbox.add(1, line("only"));

        JobLogChunk chunk = outbox.nextChunk();

        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(waited).isBetween(250L, 2_000L);
        assertThat(chunk.lines()).extracting(JobLogLine::text).containsExactly("only");
    }

    @Test
    void theSchedulersNextLineSkipsWhatItHoldsAlready() throws Exception {
        LogOutbox outbox = outbox(1 << 20, 1 << 20, Duration.ZERO);
        for (int i = 1; i <= 10; i++) {
            outbox.add(i, line("l" + i));
        }
        JobLogChunk chunk = outbox.nextChunk();

        outbox.delivered(chunk, 500); // e.g. after an agent restart: the scheduler had up to 499
        for (int i = 11; i <= 600; i++) {
            outbox.add(i, line("l" + i));
        }
        outbox.end();
        JobLogChunk next = outbox.nextChunk();

        assertThat(next.firstLine()).isEqualTo(500);
        assertThat(next.lines()).hasSize(101);
        assertThat(next.complete()).isTrue();
        assertThat(outbox.counts().skipped()).isEqualTo(489);
    }

    @Test
    void theEndGoesAtOnceAndMarkedCompleteEvenWithoutLines() throws Exception {
        LogOutbox outbox = outbox(1 << 20, 1 << 20, Duration.ofHours(1));
        outbox.add(1, line("a"));
        outbox.add(2, line("b"));
        outbox.end();

        JobLogChunk chunk = outbox.nextChunk();
        assertThat(chunk.complete()).isTrue();
        assertThat(chunk.lines()).hasSize(2);
        outbox.delivered(chunk, 3);
        assertThat(outbox.nextChunk()).isNull();

        LogOutbox quiet = outbox(1 << 20, 1 << 20, Duration.ofHours(1));
        quiet.end();
        JobLogChunk empty = quiet.nextChunk();
        assertThat(empty.lines()).isEmpty();
        assertThat(empty.firstLine()).isEqualTo(1);
        assertThat(empty.complete()).isTrue();
    }

    @Test
    void aFullOutboxMakesTheFollowerWaitUntilLinesAreDelivered() throws Exception {
        LogOutbox outbox = outbox(10_000, 1 << 20, Duration.ZERO);
        String text = "y".repeat(1000 - LogOutbox.LINE_OVERHEAD);
        for (int i = 1; i <= 10; i++) {
            outbox.add(i, line(text));
        }
        CompletableFuture<Boolean> eleventh = CompletableFuture.supplyAsync(() -> outbox.add(11, line(text)));

        Thread.sleep(300);
        assertThat(eleventh).isNotDone();
        assertThat(outbox.counts().pendingBytes()).isLessThanOrEqualTo(10_000);
        outbox.delivered(outbox.nextChunk(), 11);

        assertThat(eleventh.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(outbox.counts().shipped()).isEqualTo(10);
    }

    @Test
    void closingDropsWhatWasNotDeliveredAndReleasesAWaitingFollower() throws Exception {
        LogOutbox outbox = outbox(2_000, 1 << 20, Duration.ofHours(1));
        outbox.add(1, line("z".repeat(1000 - LogOutbox.LINE_OVERHEAD)));
        outbox.add(2, line("z".repeat(1000 - LogOutbox.LINE_OVERHEAD)));
        CompletableFuture<Boolean> third = CompletableFuture.supplyAsync(() -> outbox.add(3, line("z".repeat(1000 - LogOutbox.LINE_OVERHEAD))));
        Thread.sleep(200);

        assertThat(outbox.close()).isEqualTo(2);

        assertThat(third.get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(outbox.nextChunk()).isNull();
        assertThat(outbox.counts().dropped()).isEqualTo(2);
    }

    @Test
    void aShipperPausingAfterAFailureTriesAgainAsSoonAsTheLogEnds() throws Exception {
        LogOutbox outbox = outbox(1 << 20, 1 << 20, Duration.ZERO);
        outbox.add(1, line("last words"));
        CompletableFuture<Void> pause = CompletableFuture.runAsync(() -> {
            try {
                outbox.pause(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(pause).isNotDone();

        outbox.end();

        pause.get(5, TimeUnit.SECONDS);
    }

    @Test
    void wireBytesCountJsonEscapesAndUtf8() {
        assertThat(LogOutbox.wireBytes("abc")).isEqualTo(LogOutbox.LINE_OVERHEAD + 3);
        assertThat(LogOutbox.wireBytes("\u00e9\u20ac\uD83D\uDE00")).isEqualTo(LogOutbox.LINE_OVERHEAD + 2 + 3 + 4);
        assertThat(LogOutbox.wireBytes("\"\\\u0001")).isEqualTo(LogOutbox.LINE_OVERHEAD + 2 + 2 + 6);
    }

    private static LogOutbox outbox(long capacity, int chunkBytes, Duration linger) {
        return new LogOutbox("job-1", 3, () -> capacity, chunkBytes, linger.toNanos());
    }

    private static JobLogLine line(String text) {
        return new JobLogLine(AT, "stdout", text);
    }
}
