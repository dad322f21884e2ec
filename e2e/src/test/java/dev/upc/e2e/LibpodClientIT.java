package dev.upc.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.agent.libpod.ArchiveStream;
import dev.upc.agent.libpod.CheckpointOptions;
import dev.upc.agent.libpod.ContainerInfo;
import dev.upc.agent.libpod.ContainerSpec;
import dev.upc.agent.libpod.ContainerStats;
import dev.upc.agent.libpod.ContainerSummary;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.LibpodConflictException;
import dev.upc.agent.libpod.LibpodException;
import dev.upc.agent.libpod.LibpodNotFoundException;
import dev.upc.agent.libpod.LogLine;
import dev.upc.agent.libpod.PodmanHost;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterJobs;
import dev.upc.e2e.job.CounterOutput;
import dev.upc.e2e.pc.SimulatedPc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The libpod client's operations against a real Podman service (one simulated PC), beyond what
 * {@link LibpodMigrationIT} exercises: host facts, labels and limits, listing, stats, exit codes,
 * removal, libpod's real error answers, a periodic checkpoint, and the confinement of every job.
 */
class LibpodClientIT {

    private static final long MIB = 1024 * 1024;
    private static final Duration EXIT = Duration.ofSeconds(30);

    private static SimulatedPc pc;
    private static LibpodClient client;

    @BeforeAll
    static void startPc() {
        CounterImage image = CounterImage.build(Path.of("target"));
        pc = SimulatedPc.start("client");
        client = pc.client();
        image.ensureOn(client);
    }

    @AfterAll
    static void stopPc() {
        if (pc != null) {
            pc.close();
        }
    }

    @Test
    void hostDescribesThePodmanService() {
        PodmanHost host = client.host();

        assertThat(host.arch()).as("Go's name for the machine's architecture")
                .isEqualTo(switch (System.getProperty("os.arch")) {
                    case "amd64", "x86_64" -> "amd64";
                    case "aarch64" -> "arm64";
                    default -> System.getProperty("os.arch");
                });
        assertThat(host.cpus()).isPositive();
        assertThat(host.memoryBytes()).isPositive();
        assertThat(host.ociRuntime()).isEqualTo("runc");
        assertThat(host.ociRuntimeVersion()).isNotBlank();
        assertThat(host.cgroupVersion()).isIn("v1", "v2");
        assertThat(host.podmanVersion()).startsWith("4.");
        assertThat(host.apiVersion()).startsWith("4.");
        assertThat(host.kernel()).isNotBlank();
    }

    @Test
    void containerLivesThroughCreateStartListStatsUpdateAndRemove() {
        String name = "upc-life-1";
        ContainerSpec spec = ContainerSpec.of(name, CounterImage.REFERENCE, CounterImage.counter(0, 100))
                .withLabels(Map.of("upc.job", "life", "upc.epoch", "1"))
                .withCpus(0.5)
                .withMemoryLimit(64 * MIB);

        String id = client.create(spec);

        ContainerInfo created = client.inspect(name);
        assertThat(created.id()).isEqualTo(id);
        assertThat(created.name()).isEqualTo(name);
        assertThat(created.status()).isEqualTo("created");
        assertThat(created.running()).isFalse();
        assertThat(created.labels()).containsEntry("upc.job", "life").containsEntry("upc.epoch", "1");
        assertThat(cli("{{.HostConfig.CpuQuota}}/{{.HostConfig.CpuPeriod}}", name)).isEqualTo("50000/100000");

        client.start(name);
        CounterJobs.await(client, name, out -> out.lastTick() >= 2, EXIT);

        ContainerInfo running = client.inspect(name);
        assertThat(running.status()).isEqualTo("running");
        assertThat(running.running()).isTrue();
        assertThat(running.pid()).isPositive();
        assertThat(client.listByLabel("upc.job")).extracting(ContainerSummary::name).contains(name);
        assertThat(client.listByLabel("upc.job=life")).singleElement().satisfies(found -> {
            assertThat(found.id()).isEqualTo(id);
            assertThat(found.name()).isEqualTo(name);
            assertThat(found.state()).isEqualTo("running");
            assertThat(found.labels()).containsEntry("upc.epoch", "1");
        });
        assertThat(client.listByLabel("upc.job=other")).isEmpty();

        ContainerStats stats = client.stats(name);
        assertThat(stats.cpuNanos()).isPositive();
        assertThat(stats.memoryUsageBytes()).isPositive();
        assertThat(stats.memoryLimitBytes()).isEqualTo(64 * MIB);
        assertThat(stats.pids()).isPositive();

        assertThat(cpuQuotaOfCgroup(running.pid())).isEqualTo(50_000);
        client.updateCpu(name, 25_000, 100_000);
        // the kernel's view: podman 4.3's inspect keeps showing the quota the container was created with
        assertThat(cpuQuotaOfCgroup(running.pid())).isEqualTo(25_000);
        assertThat(client.inspect(name).running()).as("still running after the update").isTrue();

        assertThat(client.remove(name, true)).isTrue();
        assertThat(client.remove(name, true)).as("second removal: nothing left").isFalse();
        assertThat(client.exists(name)).isFalse();
        assertThat(client.listByLabel("upc.job=life")).isEmpty();
    }

    @Test
    void jobThatFinishesExitsZeroWithItsOutputInTheLog() {
        String name = "upc-done-1";
        client.create(ContainerSpec.of(name, CounterImage.REFERENCE,
                List.of(CounterImage.PROGRAM, "--ticks", "3", "--interval-ms", "100")));
        client.start(name);

        assertThat(client.waitForExit(name, EXIT)).isZero();

        List<LogLine> logs = client.logs(name, -1);
        assertThat(logs).extracting(LogLine::text).anyMatch(line -> line.startsWith("upc-counter done"));
        assertThat(CounterOutput.of(logs).ticks()).containsExactly(1L, 2L, 3L);
        ContainerInfo exited = client.inspect(name);
        assertThat(exited.status()).isEqualTo("exited");
        assertThat(exited.exitCode()).isZero();
        assertThat(client.logs(name, 1)).as("tail 1").extracting(LogLine::text).containsExactly(
                logs.get(logs.size() - 1).text());
        assertThat(client.remove(name, false)).isTrue();
    }

    @Test
    void failingCommandsExitCodeComesBack() {
        String name = "upc-fail-1";
        client.create(ContainerSpec.of(name, CounterImage.REFERENCE, List.of(CounterImage.PROGRAM, "--bogus")));
        client.start(name);

        assertThat(client.waitForExit(name, EXIT)).isEqualTo(2);

        assertThat(client.logs(name, -1)).contains(
                new LogLine(LogLine.Stream.STDERR, "upc-counter: --bogus needs a value"));
        assertThat(client.inspect(name).exitCode()).isEqualTo(2);
        assertThat(client.remove(name, true)).isTrue();
    }

    @Test
    void periodicCheckpointKeepsTheJobRunningAndIsATarArchive() throws Exception {
        String name = "upc-periodic-1";
        CounterOutput before = CounterJobs.start(client, name, 0, 100, out -> out.lastTick() >= 2);

        byte[] header;
        long size;
        try (ArchiveStream archive = client.checkpointExport(name, CheckpointOptions.periodic())) {
            header = archive.readNBytes(512);
            archive.transferTo(java.io.OutputStream.nullOutputStream());
            size = archive.bytes();
            assertThat(archive.answeredAfter()).isPositive();
        }

        assertThat(new String(header, 257, 5, StandardCharsets.US_ASCII)).as("tar magic").isEqualTo("ustar");
        assertThat(size % 512).as("a tar is made of 512-byte blocks").isZero();
        ContainerInfo after = client.inspect(name);
        assertThat(after.running()).isTrue();
        assertThat(after.checkpointed()).as("a periodic checkpoint does not stop the job").isFalse();
        CounterOutput later = CounterJobs.await(client, name, out -> out.lastTick() >= before.lastTick() + 3, EXIT);
        assertThat(later.starts()).isEqualTo(1);
        assertThat(later.consecutive()).isTrue();
        assertThat(client.remove(name, true)).isTrue();
    }

    // ---- libpod's real answers to mistakes -------------------------------------------------------

    /** libpod 4.3 answers a taken name with 500, not 409: the client types it by libpod's message. */
    @Test
    void createWithATakenNameIsAConflict() {
        String name = "upc-taken-1";
        ContainerSpec spec = ContainerSpec.of(name, CounterImage.REFERENCE, List.of("/bin/sh", "-c", "true"));
        client.create(spec);

        assertThatThrownBy(() -> client.create(spec))
                .isInstanceOf(LibpodConflictException.class)
                .hasMessageContaining("create " + name)
                .hasMessageContaining("the container name \"" + name + "\" is already in use")
                .satisfies(e -> assertThat(((LibpodException) e).status()).isEqualTo(500));
        assertThat(client.remove(name, true)).isTrue();
    }

    @Test
    void inspectOfAMissingContainerIsNotFound() {
        assertThatThrownBy(() -> client.inspect("upc-no-such"))
                .isInstanceOf(LibpodNotFoundException.class)
                .hasMessageContaining("no container with name or ID \"upc-no-such\" found");
        assertThat(client.exists("upc-no-such")).isFalse();
    }

    @Test
    void imageExistsOnlyForImagesThePcHolds() {
        assertThat(client.imageExists(CounterImage.REFERENCE)).isTrue();
        assertThat(client.imageExists("localhost/upc/no-such:1")).isFalse();
    }

    /** libpod 4.3 answers an unknown image on create with 500; the client types it as not found. */
    @Test
    void createOfAnUnknownImageIsNotFound() {
        assertThatThrownBy(() -> client.create(ContainerSpec.of("upc-noimg-1", "localhost/upc/no-such:1", List.of("true"))))
                .isInstanceOf(LibpodNotFoundException.class)
                .hasMessageContaining("localhost/upc/no-such:1: image not known");
        assertThat(client.exists("upc-noimg-1")).isFalse();
    }

    // ---- confinement -----------------------------------------------------------------------------

    @Test
    void jobHasNoNetworkButLoopback() {
        List<String> output = runToEnd("upc-net-1", "cat /proc/net/dev");

        List<String> interfaces = output.stream().filter(line -> line.contains(":"))
                .map(line -> line.substring(0, line.indexOf(':')).trim()).toList();
        assertThat(interfaces).as("network interfaces in " + output).containsExactly("lo");
    }

    @Test
    void jobHasTheRlimitsOfItsSpecAndNoNewPrivileges() {
        List<String> output = runToEnd("upc-limits-1", "ulimit -n; ulimit -u; grep NoNewPrivs /proc/self/status");

        assertThat(output).containsExactly("1024", "1024", "NoNewPrivs:\t1");
    }

    @Test
    void aForkBombStaysInsideItsPidsLimitAndTheLogFileHasACap() {
        String name = "upc-pids-1";
        // A subshell starts 40 background sleeps against a limit of 20 processes and dies when a fork fails (ash
        // gives up); the outer shell counts what runs with a builtin (no fork needed).
        client.create(new ContainerSpec(name, CounterImage.REFERENCE, List.of("/bin/sh", "-c",
                "(for i in $(seq 40); do sleep 5 & done) 2>/dev/null; set -- /proc/[0-9]*; echo $#"), Map.of(),
                Map.of(), null, ContainerSpec.DEFAULT_CPU_PERIOD_MICROS, null, 1024, 20, false, null, null));
        String limits = pc.runCli(Duration.ofSeconds(30), "inspect", "--format",
                "{{.HostConfig.PidsLimit}} {{.HostConfig.LogConfig.Size}}", name).strip();
        client.start(name);
        int exit = client.waitForExit(name, EXIT);
        List<LogLine> logs = client.logs(name, -1);
        client.remove(name, true);

        assertThat(limits).as("podman shows 64 MiB in decimal units").isEqualTo("20 67.11MB");
        assertThat(exit).as("output " + logs).isZero();
        assertThat(Integer.parseInt(logs.get(logs.size() - 1).text().strip())).as("processes in the container")
                .isBetween(10, 20);
    }

    /** Runs a shell command as a job, waits for it to exit 0 and returns what it printed. */
    private static List<String> runToEnd(String name, String shellCommand) {
        client.create(ContainerSpec.of(name, CounterImage.REFERENCE, List.of("/bin/sh", "-c", shellCommand)));
        client.start(name);
        int exit = client.waitForExit(name, EXIT);
        List<LogLine> logs = client.logs(name, -1);
        assertThat(exit).as("exit code; output " + logs).isZero();
        assertThat(client.remove(name, true)).isTrue();
        return logs.stream().map(LogLine::text).toList();
    }

    /** The CPU quota (µs per period) the kernel applies to the process, from its cgroup (v1 or v2). */
    private static long cpuQuotaOfCgroup(long pid) {
        try {
            String unified = null;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
                String[] fields = line.split(":", 3); // hierarchy id : controllers : path
                if (fields[1].isEmpty()) {
                    unified = fields[2];
                } else if (List.of(fields[1].split(",")).contains("cpu")) {
                    Path v1 = Path.of("/sys/fs/cgroup", fields[1], fields[2], "cpu.cfs_quota_us");
                    return Long.parseLong(Files.readString(v1).trim());
                }
            }
            if (unified == null) {
                throw new IllegalStateException("no cpu cgroup for pid " + pid);
            }
            return Long.parseLong(Files.readString(Path.of("/sys/fs/cgroup" + unified, "cpu.max")).split(" ")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A field of {@code podman inspect}, for what the client's own inspect leaves out. */
    private static String cli(String format, String container) {
        return pc.runCli(Duration.ofSeconds(30), "inspect", "--format", format, container).trim();
    }
}
