package dev.upc.agent.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.upc.protocol.OwnerState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuLoadTest {

    // Captured on the 2-CPU development VM (Debian 12, kernel 6.18), intr line shortened.
    private static final String PROC_STAT = """
            cpu  1045141 0 100697 579858 11824 0 7327 4043 0 0
            cpu0 520930 0 49884 292809 5274 0 3569 1975 0 0
            cpu1 524210 0 50812 287049 6550 0 3758 2068 0 0
            intr 14616237 0 0 0 0 0 0 0 0 0
            ctxt 40233306
            btime 1764260000
            processes 123456
            procs_running 1
            procs_blocked 0
            softirq 9876543 1 2 3 4 5 6 7 8 9
            """;

    @Test
    void parsesTheMachineLineAndCountsCpus() {
        CpuTimes times = CpuTimes.parse(PROC_STAT);

        // user + nice + system + irq + softirq; steal (4043) is nobody's use of this PC.
        assertThat(times.busyTicks()).isEqualTo(1045141L + 0 + 100697 + 0 + 7327);
        assertThat(times.totalTicks()).isEqualTo(times.busyTicks() + 579858 + 11824 + 4043);
        assertThat(times.cpus()).isEqualTo(2);
    }

    @Test
    void rejectsTextWithoutTheMachineLine() {
        assertThatThrownBy(() -> CpuTimes.parse("cpu0 1 2 3 4 5 6 7 8\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no 'cpu ' line");
        assertThatThrownBy(() -> CpuTimes.parse("cpu  1 2 3 4\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected at least 8");
    }

    @Test
    void loadIsTheMachinesBusyTimeLessTheJobs() {
        // 4 CPUs for 5 s at 100 Hz = 2000 ticks; 900 busy, of which the jobs used 7 s = 700 ticks.
        CpuTimes before = new CpuTimes(10_000, 50_000, 4);
        CpuTimes after = new CpuTimes(10_900, 52_000, 4);

        CpuLoad load = CpuLoad.between(before, after, Duration.ofSeconds(7), 100);

        assertThat(load.fraction()).isCloseTo(200.0 / 2000, within(1e-9));
        assertThat(load.cores()).isCloseTo(0.4, within(1e-9));
    }

    @Test
    void jobsSeemingToUseMoreThanAllIsNoLoad() {
        CpuLoad load = CpuLoad.between(new CpuTimes(0, 0, 2), new CpuTimes(500, 1000, 2), Duration.ofSeconds(6), 100);

        assertThat(load).isEqualTo(new CpuLoad(0, 0));
    }

    @Test
    void noTimeBetweenSamplesIsNoLoad() {
        CpuTimes same = new CpuTimes(500, 1000, 2);

        assertThat(CpuLoad.between(same, same, Duration.ZERO, 100)).isEqualTo(CpuLoad.NONE);
    }

    @Test
    void detectorSaysActiveAboveTheThresholdInCores(@TempDir Path dir) throws IOException {
        Path stat = dir.resolve("stat");
        AtomicReference<Duration> jobs = new AtomicReference<>(Duration.ofSeconds(100));
        CpuLoadDetector detector = new CpuLoadDetector(stat, jobs::get, 0.5, 100);

        Files.writeString(stat, machine(10_000, 50_000));
        assertThat(detector.sample()).as("the first sample only sets the baseline").isEqualTo(OwnerState.IDLE);

        // 2 CPUs, 5 s: 1000 ticks. 600 busy, the jobs 5 s = 500 ticks -> 100 own ticks = 0.2 cores.
        Files.writeString(stat, machine(10_600, 51_000));
        jobs.set(Duration.ofSeconds(105));
        assertThat(detector.sample()).isEqualTo(OwnerState.IDLE);
        assertThat(detector.lastLoad().cores()).isCloseTo(0.2, within(1e-9));

        // 700 busy, no job time -> 1.4 cores.
        Files.writeString(stat, machine(11_300, 52_000));
        assertThat(detector.sample()).isEqualTo(OwnerState.ACTIVE);
        assertThat(detector.lastLoad().cores()).isCloseTo(1.4, within(1e-9));

        // Exactly at the threshold is not above it: 250 own ticks of 1000 on 2 CPUs = 0.5 cores.
        Files.writeString(stat, machine(11_550, 53_000));
        assertThat(detector.sample()).isEqualTo(OwnerState.IDLE);
    }

    @Test
    void aSampleOverlappingTheAgentsOwnWorkRepeatsThePreviousAnswer(@TempDir Path dir) throws IOException {
        Path stat = dir.resolve("stat");
        AgentWork work = new AgentWork();
        CpuLoadDetector detector = new CpuLoadDetector(stat, () -> Duration.ZERO, 0.5, 100, work);
        Files.writeString(stat, machine(10_000, 50_000));
        detector.sample();

        // A CRIU dump's core: 1.4 cores of non-job time, but the agent's own.
        work.during(() -> {
            try {
                Files.writeString(stat, machine(10_700, 51_000));
                assertThat(detector.sample()).isEqualTo(OwnerState.IDLE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return null;
        });
        // Work that ended between two samples still overlapped the second.
        Files.writeString(stat, machine(11_400, 52_000));
        assertThat(detector.sample()).isEqualTo(OwnerState.IDLE);

        // The owner, with no work of the agent's: seen at once, and kept through the agent's next work.
        Files.writeString(stat, machine(12_100, 53_000));
        assertThat(detector.sample()).isEqualTo(OwnerState.ACTIVE);
        work.during(() -> null);
        Files.writeString(stat, machine(12_100, 54_000));
        assertThat(detector.sample()).as("overlapped: no news").isEqualTo(OwnerState.ACTIVE);
        Files.writeString(stat, machine(12_100, 55_000));
        assertThat(detector.sample()).isEqualTo(OwnerState.IDLE);
    }

    @Test
    void cgroupFilesOfBothVersions(@TempDir Path dir) throws IOException {
        assertThat(CgroupCpuTime.parse("123456789\n")).isEqualTo(Duration.ofNanos(123456789));
        assertThat(CgroupCpuTime.parse("""
                usage_usec 2500000
                user_usec 2000000
                system_usec 500000
                nr_periods 0
                """)).isEqualTo(Duration.ofMillis(2500));
        assertThatThrownBy(() -> CgroupCpuTime.parse("nr_periods 0\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("usage_usec");

        Path file = dir.resolve("cpuacct.usage");
        assertThat(CgroupCpuTime.fromFile(file).get()).as("no job cgroup yet").isEqualTo(Duration.ZERO);
        Files.writeString(file, "42000000000\n");
        assertThat(CgroupCpuTime.fromFile(file).get()).isEqualTo(Duration.ofSeconds(42));
    }

    @Test
    void readsThisMachinesProcStat() throws IOException {
        CpuLoadDetector detector = CpuLoadDetector.forThisMachine(() -> Duration.ZERO, 1000, new AgentWork());

        assertThat(detector.sample()).isEqualTo(OwnerState.IDLE);
        assertThat(detector.sample()).isEqualTo(OwnerState.IDLE);
        assertThat(detector.lastLoad().fraction()).isBetween(0.0, 1.0);
    }

    private static String machine(long busyUser, long total) {
        long idle = total - busyUser;
        return "cpu  " + busyUser + " 0 0 " + idle + " 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\n";
    }
}
