package dev.upc.agent.job;

import dev.upc.agent.driver.JobCgroups;
import dev.upc.agent.driver.LibpodDriver;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.upc.agent.control.StoreClient;
import dev.upc.agent.libpod.ArchiveStream;
import dev.upc.agent.libpod.CheckpointOptions;
import dev.upc.agent.libpod.ContainerSpec;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.LogLine;
import dev.upc.agent.state.AgentState;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventType;
import dev.upc.protocol.JobInput;
import dev.upc.protocol.JobLogChunk;
import dev.upc.protocol.JobLogLine;
import dev.upc.protocol.JobSubmission;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the live logs and the input files rely on, against a real podman: a copy into a created container, and how
 * libpod's log follow behaves when a container exits, is checkpointed and stops, or is checkpointed and runs on.
 * Opt-in (the module's build needs no podman): {@code UPC_TEST_PODMAN_SOCKET=/path/podman.sock} and
 * {@code UPC_TEST_IMAGE=<an image with busybox as /bin/sh>} on that podman; the checkpoint tests need CRIU working
 * with it (DESIGN.md, "Verified facts"). The e2e module runs the agent as a whole against podman.
 */
@EnabledIfEnvironmentVariable(named = "UPC_TEST_PODMAN_SOCKET", matches = ".+")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PodmanLogsAndInputsTest {

    private final LibpodClient libpod = LibpodClient.forSocket(Path.of(System.getenv("UPC_TEST_PODMAN_SOCKET")));
    private final String image = System.getenv().getOrDefault("UPC_TEST_IMAGE", "localhost/upc/busybox:1");
    private final String name = "upc-logtest" + UUID.randomUUID().toString().substring(0, 8) + "-1";
    private final LogShipperTest.RecordingScheduler scheduler = new LogShipperTest.RecordingScheduler();
    private LogShipper shipper;

    @AfterEach
    void cleanUp() {
        if (shipper != null) {
            shipper.close();
        }
        libpod.remove(name, true);
    }

    @Test
    void inputFilesCopiedIntoACreatedContainerAreThereWhenItStartsAndExistingDirectoriesStayAsTheyWere()
            throws Exception {
        byte[] hello = "hello from input\n".getBytes(StandardCharsets.UTF_8);
        byte[] tool = "#!/bin/sh\necho tool ran\n".getBytes(StandardCharsets.UTF_8);
        String tmpBefore = tmpMode();
        create("stat -c '%a %n' /tmp /tmp/x /tmp/x/tool.sh /data/in /data/in/sub /data/in/sub/hello.txt;"
                + " cat /data/in/sub/hello.txt; /tmp/x/tool.sh");
        HttpServer store = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        store.createContext("/api/v1/blobs/inputs/", exchange -> {
            byte[] blob = exchange.getRequestURI().getPath().endsWith("hello") ? hello : tool;
            exchange.getResponseHeaders().add("ETag", "\"" + sha256(blob) + "\"");
            exchange.sendResponseHeaders(200, blob.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(blob);
            }
        });
        store.start();
        try {
            new InputFiles(libpod, new StoreClient(URI.create("http://127.0.0.1:" + store.getAddress().getPort())),
                    (kind, id, op) -> "token", Clock.systemUTC()).copyInto(name, List.of(
                    new JobInput("/data/in/sub/hello.txt", sha256(hello), (long) hello.length, 0640, "hello"),
                    new JobInput("/tmp/x/tool.sh", sha256(tool), (long) tool.length, 0755, "tool")));
        } finally {
            store.stop(0);
        }
        libpod.start(name);
        libpod.waitForExit(name, Duration.ofSeconds(30));

        List<String> out = libpod.logs(name, -1).stream().map(LogLine::text).toList();
        assertThat(out).containsExactly(tmpBefore + " /tmp", "755 /tmp/x", "755 /tmp/x/tool.sh", "755 /data/in",
                "755 /data/in/sub", "640 /data/in/sub/hello.txt", "hello from input", "tool ran");
    }

    @Test
    void aRunWithAnInputShipsTheJobsLogToItsEndBeforeItsExitIsReported(@TempDir Path stateDir) throws Exception {
        byte[] numbers = "1\n2\n3\n".getBytes(StandardCharsets.UTF_8);
        HttpServer store = storeServing(numbers);
        java.util.concurrent.atomic.AtomicBoolean completeBeforeExit = new java.util.concurrent.atomic.AtomicBoolean();
        try (AgentState state = AgentState.open(stateDir); ExitWatch exits = new ExitWatch(libpod)) {
            state.onNewEvents(() -> completeBeforeExit.compareAndSet(false,
                    scheduler.chunks().stream().anyMatch(JobLogChunk::complete)));
            shipper = new LogShipper(libpod, scheduler, LogShipper.Settings.defaults());
            JobRunner runner = new JobRunner(new LibpodDriver(libpod, JobCgroups.none()), libpod,
                    new StoreClient(URI.create("http://127.0.0.1:" + store.getAddress().getPort())), (kind, id, op) -> "token", state,
                    JobRunner.Limits.fixed(1, 1.0, 256), exits, shipper, false);
            JobSubmission job = new JobSubmission("sum", image, List.of("/bin/sh", "-c",
                    "s=0; for n in $(cat /in/numbers.txt); do s=$((s+n)); echo \"n=$n\"; done; echo \"sum=$s\" >&2"),
                    Map.of(), 1, 64L, null, null, null, null, null,
                    List.of(new JobInput("/in/numbers.txt", sha256(numbers), (long) numbers.length, null, "numbers")));
            String jobId = name.substring("upc-".length(), name.length() - 2);

            List<AgentEvent> started = runner.execute(new AgentCommand("cmd-run", AgentCommandType.RUN, jobId, 1,
                    null, job, null, null, null, null, false, java.time.Instant.now()));
            assertThat(started).extracting(AgentEvent::type).containsExactly(AgentEventType.STARTED);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (state.nextEvent().filter(e -> e.type() == AgentEventType.EXITED).isEmpty()) {
                assertThat(System.nanoTime()).as("EXITED within 30 s").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(completeBeforeExit).as("the complete chunk arrived before EXITED was queued").isTrue();
            assertThat(texts("stdout")).containsExactly("n=1", "n=2", "n=3");
            assertThat(texts("stderr")).containsExactly("sum=6");
            while (libpod.exists(name)) { // removed right after EXITED was queued
                assertThat(System.nanoTime()).as("removed within 30 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        } finally {
            store.stop(0);
        }
    }

    @Test
    void aFollowEndsWhenTheContainerExitsAndEverythingIsShipped() throws Exception {
        create("i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo tick $i; echo err $i >&2; done;"
                + " head -c 20000 /dev/zero | tr '\\0' a; echo; printf 'caf\\303\\251\\n'; printf 'no newline'");
        libpod.start(name);
        follow();

        libpod.waitForExit(name, Duration.ofSeconds(30));
        shipper.finish(name);

        assertThat(shipper.awaitShipped(name, Duration.ofSeconds(10))).isTrue();
        // conmon drains stdout and stderr apart: their lines interleave as it read them, each stream in order
        List<String> stdout = texts("stdout");
        assertThat(stdout).hasSize(6);
        assertThat(stdout.subList(0, 3)).containsExactly("tick 1", "tick 2", "tick 3");
        assertThat(stdout.get(3)).hasSize(JobLogLine.MAX_TEXT).matches("a+"); // 20000 in conmon's 8 KiB pieces, cut
        assertThat(stdout.subList(4, 6)).containsExactly("caf\u00e9", "no newline");
        assertThat(texts("stderr")).containsExactly("err 1", "err 2", "err 3");
        List<JobLogChunk> chunks = scheduler.chunks();
        assertThat(chunks.get(chunks.size() - 1).complete()).isTrue();
    }

    @Test
    void aCheckpointThatStopsTheContainerLeavesTheFollowOpenSoFinishReadsTheRest() throws Exception {
        create("i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done");
        libpod.start(name);
        follow();
        awaitLines(5);

        try (ArchiveStream archive = libpod.checkpointExport(name, CheckpointOptions.forMigration().keepingDump())) {
            archive.transferTo(OutputStream.nullOutputStream());
        }
        assertThat(libpod.inspect(name).checkpointed()).isTrue();
        Thread.sleep(3_000);
        assertThat(shipper.following(name)).as("podman ends a follow at a death, not at a checkpoint").isTrue();
        int printed = libpod.logs(name, -1).size();

        shipper.finish(name);

        assertThat(shipper.awaitShipped(name, Duration.ofSeconds(10))).isTrue();
        List<JobLogLine> lines = scheduler.lines();
        assertThat(lines).hasSize(printed);
        assertThat(lines.get(printed - 1).text()).isEqualTo("tick " + printed);
        List<JobLogChunk> chunks = scheduler.chunks();
        assertThat(chunks.get(chunks.size() - 1).complete()).isTrue();
    }

    @Test
    void aPeriodicCheckpointLeavesTheFollowRunning() throws Exception {
        create("i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done");
        libpod.start(name);
        follow();
        awaitLines(3);

        try (ArchiveStream archive = libpod.checkpointExport(name, CheckpointOptions.periodic())) {
            archive.transferTo(OutputStream.nullOutputStream());
        }
        int atCheckpoint = scheduler.lines().size();
        awaitLines(atCheckpoint + 5);

        assertThat(scheduler.chunks()).noneMatch(JobLogChunk::complete);
        assertThat(scheduler.lines()).extracting(JobLogLine::text)
                .startsWith("tick 1", "tick 2", "tick 3").doesNotHaveDuplicates();
    }

    /** A store that serves {@code blob} as every input (with its sha256 as ETag) and refuses everything else. */
    private static HttpServer storeServing(byte[] blob) throws java.io.IOException {
        HttpServer store = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        store.createContext("/api/v1/blobs/", exchange -> {
            if (!exchange.getRequestMethod().equals("GET") || !exchange.getRequestURI().getPath().contains("/inputs/")) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("ETag", "\"" + sha256(blob) + "\"");
            exchange.sendResponseHeaders(200, blob.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(blob);
            }
        });
        store.start();
        return store;
    }

    private List<String> texts(String stream) {
        return scheduler.lines().stream().filter(l -> l.stream().equals(stream)).map(JobLogLine::text).toList();
    }

    private void create(String script) {
        libpod.create(new ContainerSpec(name, image, List.of("/bin/sh", "-c", script), Map.of(),
                Map.of("upc.test", "logs"), 50_000L, ContainerSpec.DEFAULT_CPU_PERIOD_MICROS, 64L << 20, 1024, 1024,
                false, null, null));
    }

    private String tmpMode() throws Exception {
        String probe = name.replace("-1", "-2");
        libpod.create(new ContainerSpec(probe, image, List.of("/bin/sh", "-c", "stat -c '%a' /tmp"), Map.of(),
                Map.of(), null, ContainerSpec.DEFAULT_CPU_PERIOD_MICROS, null, 1024, 1024, false, null, null));
        try {
            libpod.start(probe);
            libpod.waitForExit(probe, Duration.ofSeconds(30));
            return libpod.logs(probe, -1).stream().map(LogLine::text).collect(Collectors.joining());
        } finally {
            libpod.remove(probe, true);
        }
    }

    private void follow() {
        shipper = new LogShipper(libpod, scheduler, new LogShipper.Settings(Duration.ofMillis(200), 256 * 1024,
                2L << 20, 8L << 20, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofMillis(200),
                Duration.ofSeconds(2), Duration.ofSeconds(10)));
        shipper.follow(name, "logtest", 1);
    }

    private void awaitLines(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (scheduler.lines().size() < count) {
            assertThat(System.nanoTime()).as("%d lines within 20 s", count).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
