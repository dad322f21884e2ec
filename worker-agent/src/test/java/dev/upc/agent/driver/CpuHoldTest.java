package dev.upc.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Holding a container's CPU through its cgroup's files, in both cgroup layouts. */
class CpuHoldTest {

    private static final String CGROUP = "/upc/upc-j1-1/libpod-0123abcd";
    private static final TaskLimits OWN = TaskLimits.of(0.8, null);

    @TempDir
    Path root;

    private Path v1(String hierarchy) throws IOException {
        Path dir = Files.createDirectories(root.resolve(hierarchy).resolve(CGROUP.substring(1)));
        Files.writeString(dir.resolve("cpu.cfs_quota_us"), "80000\n");
        Files.writeString(dir.resolve("cpu.cfs_period_us"), "100000\n");
        return dir;
    }

    @Test
    void v1HoldsThroughQuotaAndPeriodAndReleasesToTheTaskLimits() throws IOException {
        Path dir = v1("cpu");
        CpuHold hold = new CpuHold(root, "v1");
        assertThat(hold.held(CGROUP)).contains(false);

        assertThat(hold.hold(CGROUP)).isTrue();

        assertThat(Files.readString(dir.resolve("cpu.cfs_quota_us"))).isEqualTo("1000");
        assertThat(Files.readString(dir.resolve("cpu.cfs_period_us"))).isEqualTo("1000000");
        assertThat(hold.held(CGROUP)).contains(true);

        assertThat(hold.release(CGROUP, OWN)).isTrue();
        assertThat(Files.readString(dir.resolve("cpu.cfs_quota_us"))).isEqualTo("80000");
        assertThat(Files.readString(dir.resolve("cpu.cfs_period_us"))).isEqualTo("100000");
        assertThat(hold.held(CGROUP)).contains(false);
    }

    @Test
    void v1FindsTheJointCpuHierarchyAndLiftsToUnlimited() throws IOException {
        Path dir = v1("cpu,cpuacct");
        CpuHold hold = new CpuHold(root, "v1");
        hold.hold(CGROUP);

        assertThat(hold.lift(CGROUP)).isTrue();

        assertThat(Files.readString(dir.resolve("cpu.cfs_quota_us"))).isEqualTo("-1");
        assertThat(hold.held(CGROUP)).contains(false);
    }

    @Test
    void v2WritesCpuMax() throws IOException {
        Path dir = Files.createDirectories(root.resolve(CGROUP.substring(1)));
        Files.writeString(dir.resolve("cpu.max"), "80000 100000\n");
        CpuHold hold = new CpuHold(root, "v2");

        assertThat(hold.hold(CGROUP)).isTrue();
        assertThat(Files.readString(dir.resolve("cpu.max"))).isEqualTo("1000 1000000");
        assertThat(hold.held(CGROUP)).contains(true);

        hold.lift(CGROUP);
        assertThat(Files.readString(dir.resolve("cpu.max"))).isEqualTo("max 100000");
        assertThat(hold.held(CGROUP)).contains(false);
        hold.release(CGROUP, OWN);
        assertThat(Files.readString(dir.resolve("cpu.max"))).isEqualTo("80000 100000");
    }

    @Test
    void aMissingOrHostileCgroupIsNotWritten() throws IOException {
        CpuHold hold = new CpuHold(root, "v1");

        assertThat(hold.hold(CGROUP)).as("no such cgroup (the container is gone)").isFalse();
        assertThat(hold.held(CGROUP)).isEmpty();
        Files.createDirectories(root.resolve("cpu/etc"));
        Files.writeString(root.resolve("cpu/etc/cpu.cfs_quota_us"), "-1");
        Files.writeString(root.resolve("cpu/etc/cpu.cfs_period_us"), "100000");
        assertThat(hold.hold("/upc/../etc")).as("no way out of the cgroup tree").isFalse();
        assertThat(hold.hold("/etc/.")).isFalse();
        assertThat(hold.hold("/etc")).as("the same files under an honest name").isTrue();
        assertThat(hold.hold("")).isFalse();
        assertThat(hold.hold(null)).isFalse();
    }
}
