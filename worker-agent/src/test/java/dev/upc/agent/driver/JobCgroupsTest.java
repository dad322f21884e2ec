package dev.upc.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both cgroup layouts, laid out in a temporary directory as the kernel shows them under /sys/fs/cgroup. */
class JobCgroupsTest {

    @TempDir
    Path root;

    @Test
    void underCgroupfsEachContainerGetsAParentOfItsOwn() {
        JobCgroups cgroups = new JobCgroups(root, "v1", "cgroupfs");

        assertThat(cgroups.parentFor("upc-job-1-3")).contains("/upc/upc-job-1-3");
        assertThat(cgroups.parentForRestore("upc-job-1-3")).contains("/upc/upc-job-1-3");
        assertThat(cgroups.parentFor("../../etc")).as("never a path outside /upc").isEmpty();
    }

    @Test
    void underSystemdPodmansDefaultStaysAndARestoreGetsPodmansSliceForRoot() {
        JobCgroups cgroups = new JobCgroups(root, "v2", "systemd");

        assertThat(cgroups.parentFor("upc-job-1-3")).isEmpty();
        assertThat(cgroups.parentForRestore("upc-job-1-3")).contains("machine.slice");
        assertThat(cgroups.allJobsCpuFile()).isEmpty();
        assertThat(cgroups.cpuSeconds("/upc/upc-job-1-3")).isEmpty();
    }

    @Test
    void v1ReadsCpuacctUsageAndRemovesTheParentFromEveryHierarchy() throws IOException {
        Path cpu = Files.createDirectories(root.resolve("cpu,cpuacct/upc/upc-job-1-3"));
        Files.writeString(cpu.resolve("cpuacct.usage"), "8123456789\n");
        Path conmon = Files.createDirectories(cpu.resolve("conmon"));
        Files.writeString(conmon.resolve("cpuacct.usage"), "123456789\n");
        Files.createSymbolicLink(root.resolve("cpuacct"), Path.of("cpu,cpuacct"));
        Path memory = Files.createDirectories(root.resolve("memory/upc/upc-job-1-3"));
        Path pids = Files.createDirectories(root.resolve("pids/upc/upc-job-1-3"));
        Path other = Files.createDirectories(root.resolve("pids/upc/upc-job-2-1"));
        JobCgroups cgroups = new JobCgroups(root, "v1", "cgroupfs");

        assertThat(cgroups.cpuSeconds("/upc/upc-job-1-3")).as("without conmon's time").contains(8.0);
        assertThat(cgroups.allJobsCpuFile()).contains(root.resolve("cpu,cpuacct/upc/cpuacct.usage"));

        Files.delete(cpu.resolve("cpuacct.usage")); // the kernel's files go with the directory
        cgroups.remove("/upc/upc-job-1-3");
        assertThat(cpu).as("conmon is still there").exists();
        assertThat(memory).doesNotExist();
        assertThat(cgroups.pending()).isEqualTo(1);

        Files.delete(conmon.resolve("cpuacct.usage")); // conmon has gone
        cgroups.remove("/upc/upc-job-9-1"); // the next removal takes the one left behind along

        assertThat(cgroups.pending()).isZero();
        assertThat(cpu).doesNotExist();
        assertThat(memory).doesNotExist();
        assertThat(pids).doesNotExist();
        assertThat(other).exists();
        assertThat(root.resolve("pids/upc")).exists();
    }

    @Test
    void v1WithSeparateCpuacctAndV2WithCpuStat() throws IOException {
        Path acct = Files.createDirectories(root.resolve("cpuacct/upc/c"));
        Files.writeString(acct.resolve("cpuacct.usage"), "500000000\n");
        assertThat(new JobCgroups(root, "v1", "cgroupfs").cpuSeconds("/upc/c")).contains(0.5);
        assertThat(new JobCgroups(root, "v1", "cgroupfs").allJobsCpuFile())
                .contains(root.resolve("cpuacct/upc/cpuacct.usage"));

        Path unified = Files.createDirectories(root.resolve("upc/d"));
        Files.writeString(unified.resolve("cpu.stat"), "usage_usec 2250000\nuser_usec 2000000\nsystem_usec 250000\n");
        JobCgroups v2 = new JobCgroups(root, "v2", "cgroupfs");
        assertThat(v2.cpuSeconds("/upc/d")).contains(2.25);
        assertThat(v2.allJobsCpuFile()).contains(root.resolve("upc/cpu.stat"));
        Files.delete(unified.resolve("cpu.stat"));
        v2.remove("/upc/d");
        assertThat(unified).doesNotExist();
    }

    @Test
    void parentsNotOursAreNeitherReadNorRemoved() throws IOException {
        Path podmans = Files.createDirectories(root.resolve("cpu,cpuacct/libpod_parent"));
        Files.writeString(podmans.resolve("cpuacct.usage"), "1\n");
        JobCgroups cgroups = new JobCgroups(root, "v1", "cgroupfs");

        assertThat(cgroups.cpuSeconds("/libpod_parent")).isEmpty();
        assertThat(cgroups.cpuSeconds("/upc/../libpod_parent")).isEmpty();
        assertThat(cgroups.cpuSeconds(null)).isEmpty();
        assertThat(cgroups.cpuSeconds("/upc/gone")).as("no such parent").isEmpty();
        cgroups.remove("/upc/../libpod_parent");
        assertThat(podmans).exists();
    }
}
