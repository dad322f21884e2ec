package dev.upc.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.LibpodTimeouts;
import dev.upc.agent.libpod.uds.ScriptedLibpodServer;
import dev.upc.agent.libpod.uds.UdsLibpodTransport;
import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobLogChunk;
import dev.upc.protocol.JobLogLine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Followers and their shipping, end to end on this side: a scripted libpod on a real unix socket that serves a
 * container's log as podman 4.3.1 does (frames cut anywhere, no head before the first output, follows that end only
 * at the container's death), and a recording scheduler.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogShipperTest {

    private static final String NAME = "upc-job-7-2";
    private static final String T = "2026-12-04T18:05:59Z";

    @TempDir
    Path dir;

    private ScriptedLibpodServer server;
    private LogShipper shipper;
    private final ScriptedContainerLog container = new ScriptedContainerLog();
    private final RecordingScheduler scheduler = new RecordingScheduler();

    @AfterEach
    void stop() throws Exception {
        if (shipper != null) {
            shipper.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void linesAreNumberedFromOneInChunksAndTheEndIsMarkedComplete() throws Exception {
        start(settings());
        for (int i = 1; i <= 2500; i++) {
            container.print(i % 3 == 0 ? 2 : 1, T + " line " + i + "\n");
        }
        container.exit();
        shipper.finish(NAME);

        assertThat(shipper.awaitShipped(NAME, Duration.ofSeconds(20))).isTrue();

        List<JobLogLine> lines = scheduler.lines();
        assertThat(lines).hasSize(2500);
        for (int i = 1; i <= 2500; i++) {
            assertThat(lines.get(i - 1).text()).isEqualTo("line " + i);
            assertThat(lines.get(i - 1).stream()).isEqualTo(i % 3 == 0 ? "stderr" : "stdout");
        }
        assertThat(lines.get(0).at()).isEqualTo(Instant.parse(T));
        List<JobLogChunk> chunks = scheduler.chunks();
        assertThat(chunks.size()).isBetween(3, 30); // batched, not a POST per line
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.lines().size()).isLessThanOrEqualTo(JobLogChunk.MAX_LINES);
            assertThat(c.jobId()).isEqualTo("job-7");
            assertThat(c.epoch()).isEqualTo(2);
        });
        assertThat(chunks.get(chunks.size() - 1).complete()).isTrue();
        assertThat(chunks.subList(0, chunks.size() - 1)).noneMatch(JobLogChunk::complete);
        assertContiguous(chunks);
    }

    @Test
    void aLineGoesOutSoonAfterItWasPrintedWithoutWaitingForMore() throws Exception {
        start(settings());
        container.print(1, T + " first\n");
        long printed = System.nanoTime();

        awaitTrue(() -> !scheduler.chunks().isEmpty(), Duration.ofSeconds(5));

        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - printed);
        assertThat(millis).isLessThan(1_500); // linger 200 ms here, ~1 s by default
        assertThat(scheduler.lines()).extracting(JobLogLine::text).containsExactly("first");
        assertThat(scheduler.chunks().get(0).complete()).isFalse();
    }

    @Test
    void partsOfALineAndOfACharacterInSeparateFramesMakeOneLine() throws Exception {
        start(settings());
        byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8); // E2 82 AC
        container.print(1, concat(ascii(T + " price: 5"), new byte[] {euro[0]}));
        container.print(2, T + " a warning between\n");
        container.print(1, concat(ascii("2026-12-04T18:06:00Z "), new byte[] {euro[1], euro[2]}, ascii(" ok\n")));
        container.print(1, T + " no newline at the end");
        container.exit();
        shipper.finish(NAME);

        assertThat(shipper.awaitShipped(NAME, Duration.ofSeconds(10))).isTrue();

        assertThat(scheduler.lines()).extracting(JobLogLine::stream, JobLogLine::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple("stderr", "a warning between"),
                org.assertj.core.groups.Tuple.tuple("stdout", "price: 5\u20ac ok"),
                org.assertj.core.groups.Tuple.tuple("stdout", "no newline at the end"));
        assertThat(scheduler.lines().get(1).at()).isEqualTo(Instant.parse(T)); // the time of its first piece
    }

    @Test
    void theAcksNextLineSkipsLinesTheSchedulerHolds() throws Exception {
        scheduler.answer = chunk -> new JobLogAck(Math.max(1500, chunk.firstLine() + chunk.lines().size()), true,
                null); // as after an agent restart: it had lines up to 1499
        start(settings());
        for (int i = 1; i <= 2000; i++) {
            container.print(1, T + " line " + i + "\n");
        }
        container.exit();
        shipper.finish(NAME);

        assertThat(shipper.awaitShipped(NAME, Duration.ofSeconds(20))).isTrue();

        List<JobLogChunk> chunks = scheduler.chunks();
        assertThat(chunks.get(0).firstLine()).isEqualTo(1);
        List<JobLogChunk> later = chunks.subList(1, chunks.size());
        assertThat(later).isNotEmpty().allSatisfy(c -> assertThat(c.firstLine()).isGreaterThanOrEqualTo(1500));
        assertThat(later.get(0).firstLine()).isEqualTo(1500);
        assertThat(later.get(0).lines().get(0).text()).isEqualTo("line 1500");
        assertThat(later.stream().mapToInt(c -> c.lines().size()).sum()).isEqualTo(501);
    }

    @Test
    void aSchedulerThatTakesNoMoreStopsTheShippingOfThatContainer() throws Exception {
        scheduler.answer = chunk -> new JobLogAck(chunk.firstLine() + chunk.lines().size(), false, "log size cap");
        start(settings());
        container.print(1, T + " one\n");
        awaitTrue(() -> !scheduler.chunks().isEmpty(), Duration.ofSeconds(5));

        for (int i = 0; i < 50; i++) {
            container.print(1, T + " more\n");
        }
        Thread.sleep(800);

        assertThat(scheduler.chunks()).hasSize(1);
        assertThat(shipper.following(NAME)).isFalse();
        assertThat(shipper.awaitShipped(NAME, Duration.ofSeconds(1))).isTrue();
        awaitFollowClosed();
    }

    @Test
    void whileTheSchedulerFailsTheBufferStaysBoundedAndNothingIsLost() throws Exception {
        long bound = 64 * 1024;
        LogShipper.Settings settings = new LogShipper.Settings(Duration.ofMillis(100), 16 * 1024, bound, bound,
                Duration.ofSeconds(30), Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofMillis(200),
                Duration.ofSeconds(5));
        scheduler.failure = new ControlPlaneException("POST /api/v1/agents/w/logs failed: ConnectException", 0, null,
                null);
        start(settings);
        String text = "x".repeat(100);
        for (int i = 1; i <= 20_000; i++) { // ~3.6 MB of JSON: 55 times the bound
            container.print(1, T + " " + i + " " + text + "\n");
        }
        container.exit();
        shipper.finish(NAME);

        long maxPending = 0;
        for (int i = 0; i < 20; i++) {
            Thread.sleep(50);
            LogOutbox.Counts counts = shipper.counts(NAME).orElseThrow();
            maxPending = Math.max(maxPending, counts.pendingBytes());
            assertThat(counts.read()).isLessThan(2_000); // the follower waits for room instead of reading on
        }
        assertThat(maxPending).isGreaterThan(0).isLessThanOrEqualTo(bound);
        assertThat(scheduler.attempts()).isGreaterThan(1); // retried

        scheduler.failure = null;

        assertThat(shipper.awaitShipped(NAME, Duration.ofSeconds(30))).isTrue();
        List<JobLogLine> lines = scheduler.lines();
        assertThat(lines).hasSize(20_000);
        assertThat(lines.get(19_999).text()).startsWith("20000 ");
        assertContiguous(scheduler.chunks());
        assertThat(scheduler.chunks()).allSatisfy(c ->
                assertThat(c.lines().stream().mapToInt(l -> LogOutbox.wireBytes(l.text())).sum())
                        .isLessThanOrEqualTo(16 * 1024));
    }

    @Test
    void aFollowQuietForItsLimitIsOpenedAgainAndItsLinesAreNotRepeated() throws Exception {
        LogShipper.Settings settings = new LogShipper.Settings(Duration.ofMillis(100), 256 * 1024, 2L << 20, 8L << 20,
                Duration.ofMillis(700), Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofMillis(200),
                Duration.ofSeconds(5));
        scheduler.failure = new ControlPlaneException("scheduler away", 503, null, null); // no ack skips lines for us
        start(settings);
        container.print(1, T + " before the quiet\n");
        container.print(1, T + " second ");    // a piece of a line, finished only after the quiet
        Thread.sleep(2_000);                   // the watchdog gives up on the silent follow (twice)
        scheduler.failure = null;
        container.print(1, T + " line\n");
        container.print(2, T + " after the quiet\n");
        container.exit();
        shipper.finish(NAME);

        assertThat(shipper.awaitShipped(NAME, Duration.ofSeconds(10))).isTrue();

        assertThat(container.follows.get()).isGreaterThanOrEqualTo(2);
        assertThat(scheduler.lines()).extracting(JobLogLine::text)
                .containsExactly("before the quiet", "second line", "after the quiet");
        assertContiguous(scheduler.chunks());
    }

    /** Verified with podman 4.3.1: a follow opened while the container is paused ends at once. */
    @Test
    void aFollowThatEndsWhileTheContainerIsPausedIsNotTheEndOfItsLog() throws Exception {
        LogShipper.Settings settings = new LogShipper.Settings(Duration.ofMillis(100), 256 * 1024, 2L << 20, 8L << 20,
                Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofMillis(200),
                Duration.ofSeconds(5));
        start(settings);
        container.print(1, T + " before\n");
        awaitTrue(() -> scheduler.lines().size() == 1, Duration.ofSeconds(5));
        container.paused(true);
        Thread.sleep(1_500); // quiet: the follow is opened again while paused, and ends at once, again and again

        container.paused(false);
        container.print(1, T + " after\n");
        container.exit();
        shipper.finish(NAME);

        assertThat(shipper.awaitShipped(NAME, Duration.ofSeconds(10))).isTrue();
        assertThat(container.follows.get()).isGreaterThanOrEqualTo(3);
        assertThat(scheduler.lines()).extracting(JobLogLine::text).containsExactly("before", "after");
        List<JobLogChunk> chunks = scheduler.chunks();
        assertThat(chunks.subList(0, chunks.size() - 1)).noneMatch(JobLogChunk::complete);
        assertThat(chunks.get(chunks.size() - 1).complete()).isTrue();
    }

    @Test
    void afterACheckpointStoppedTheContainerTheRestIsReadWithoutFollowing() throws Exception {
        start(settings());
        container.print(1, T + " one\n");
        container.print(1, T + " two\n");
        awaitTrue(() -> scheduler.lines().size() == 2, Duration.ofSeconds(5));
        container.print(1, T + " three, just before the dump\n");
        container.checkpoint(); // the follow stays open, silent, as podman's does

        shipper.finish(NAME);

        assertThat(shipper.awaitShipped(NAME, Duration.ofSeconds(10))).isTrue();
        assertThat(container.reads.get()).isEqualTo(1);
        assertThat(scheduler.lines()).extracting(JobLogLine::text).containsExactly("one", "two",
                "three, just before the dump");
        List<JobLogChunk> chunks = scheduler.chunks();
        assertThat(chunks.get(chunks.size() - 1).complete()).isTrue();
        assertContiguous(chunks);
    }

    @Test
    void aStoppedFollowerShipsNothingMoreAndCountsWhatItDropped() throws Exception {
        scheduler.failure = new ControlPlaneException("scheduler away", 503, null, null);
        ScheduledTimer timer = new ScheduledTimer();
        server = ScriptedLibpodServer.start(dir, container);
        LibpodClient libpod = new LibpodClient(new UdsLibpodTransport(server.socket()),
                new LibpodTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5)));
        LogFollower follower = new LogFollower(NAME, "job-7", 2, libpod, scheduler, settings(), timer.executor,
                () -> 2L << 20);
        follower.start();
        for (int i = 1; i <= 30; i++) {
            container.print(1, T + " l" + i + "\n");
        }
        awaitTrue(() -> follower.counts().read() == 30, Duration.ofSeconds(5));

        follower.stop();

        assertThat(follower.awaitShipped(Duration.ofSeconds(5))).isTrue();
        assertThat(follower.counts().dropped()).isEqualTo(30);
        scheduler.failure = null;
        container.print(1, T + " after the stop\n");
        Thread.sleep(500);
        assertThat(scheduler.chunks()).isEmpty();
        awaitFollowClosed();
        timer.executor.shutdownNow();
    }

    @Test
    void aRefusalThatNoRetryCanFixEndsTheShipping() throws Exception {
        scheduler.failure = new ControlPlaneException("POST … → 400 invalid chunk", 400, "invalid", null);
        start(settings());
        container.print(1, T + " x\n");

        assertThat(shipper.awaitShipped(NAME, Duration.ofSeconds(5))).isTrue();
        assertThat(scheduler.attempts()).isEqualTo(1);
        assertThat(shipper.following(NAME)).isFalse();
    }

    @Test
    void aContainerThatEndedBeforeItWasFollowedIsShippedWhole() throws Exception {
        container.print(1, T + " quick job\n");
        container.exit();
        start(settings());

        shipper.finish(NAME);

        assertThat(shipper.awaitShipped(NAME, Duration.ofSeconds(5))).isTrue();
        assertThat(scheduler.lines()).extracting(JobLogLine::text).containsExactly("quick job");
        assertThat(scheduler.chunks().get(scheduler.chunks().size() - 1).complete()).isTrue();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private static LogShipper.Settings settings() {
        return new LogShipper.Settings(Duration.ofMillis(200), 256 * 1024, 2L << 20, 8L << 20, Duration.ofSeconds(30),
                Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    private void start(LogShipper.Settings settings) throws Exception {
        server = ScriptedLibpodServer.start(dir, container);
        LibpodClient libpod = new LibpodClient(new UdsLibpodTransport(server.socket()),
                new LibpodTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5)));
        shipper = new LogShipper(libpod, scheduler, settings);
        shipper.follow(NAME, "job-7", 2);
    }

    /** Chunks start where the one before ended, or later when the scheduler skipped lines. */
    private static void assertContiguous(List<JobLogChunk> chunks) {
        long next = 1;
        for (JobLogChunk chunk : chunks) {
            assertThat(chunk.firstLine()).isEqualTo(next);
            next = chunk.firstLine() + chunk.lines().size();
        }
    }

    /** The scripted libpod notices a closed follow when it next writes to it: keep the container printing. */
    private void awaitFollowClosed() throws InterruptedException {
        awaitTrue(() -> {
            container.print(1, T + " still printing\n");
            return container.openFollows.get() == 0;
        }, Duration.ofSeconds(5));
    }

    private static void awaitTrue(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit);
            }
            Thread.sleep(20);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** A scheduler that records what arrives and answers as the contract says, or fails as told. */
    static final class RecordingScheduler implements LogSink {
        private final List<JobLogChunk> chunks = new CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        volatile RuntimeException failure;
        volatile Function<JobLogChunk, JobLogAck> answer =
                chunk -> new JobLogAck(chunk.firstLine() + chunk.lines().size(), true, null);

        @Override
        public JobLogAck ship(JobLogChunk chunk) {
            attempts.incrementAndGet();
            RuntimeException failing = failure;
            if (failing != null) {
                throw failing;
            }
            chunks.add(chunk);
            return answer.apply(chunk);
        }

        List<JobLogChunk> chunks() {
            return List.copyOf(chunks);
        }

        List<JobLogLine> lines() {
            List<JobLogLine> lines = new ArrayList<>();
            chunks.forEach(c -> lines.addAll(c.lines()));
            return lines;
        }

        int attempts() {
            return attempts.get();
        }
    }

    private static final class ScheduledTimer {
        final java.util.concurrent.ScheduledExecutorService executor =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    }
}
