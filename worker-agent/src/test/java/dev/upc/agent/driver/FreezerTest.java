package dev.upc.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Freezing a container through its cgroup's freezer file, in both cgroup layouts. */
class FreezerTest {

    private static final String CGROUP = "/upc/upc-j1-1/libpod-0123abcd";

    @TempDir
    Path root;

    @Test
    void v1WritesFreezerStateInTheFreezerHierarchy() throws IOException {
        Path dir = Files.createDirectories(root.resolve("freezer").resolve(CGROUP.substring(1)));
        Path state = Files.writeString(dir.resolve("freezer.state"), "THAWED\n");
        Freezer freezer = new Freezer(root, "v1");
        assertThat(freezer.frozen(CGROUP)).contains(false);

        assertThat(freezer.freeze(CGROUP)).isTrue();
        assertThat(Files.readString(state)).isEqualTo("FROZEN");
        assertThat(freezer.frozen(CGROUP)).contains(true);
        Files.writeString(state, "FREEZING\n"); // the kernel on its way
        assertThat(freezer.frozen(CGROUP)).contains(true);

        assertThat(freezer.thaw(CGROUP)).isTrue();
        assertThat(Files.readString(state)).isEqualTo("THAWED");
        assertThat(freezer.frozen(CGROUP)).contains(false);
    }

    @Test
    void v2WritesCgroupFreeze() throws IOException {
        Path dir = Files.createDirectories(root.resolve(CGROUP.substring(1)));
        Path freeze = Files.writeString(dir.resolve("cgroup.freeze"), "0\n");
        Freezer freezer = new Freezer(root, "v2");

        assertThat(freezer.freeze(CGROUP)).isTrue();
        assertThat(Files.readString(freeze)).isEqualTo("1");
        assertThat(freezer.frozen(CGROUP)).contains(true);
        freezer.thaw(CGROUP);
        assertThat(Files.readString(freeze)).isEqualTo("0");
        assertThat(freezer.frozen(CGROUP)).contains(false);
    }

    @Test
    void aMissingOrHostileCgroupIsNotWritten() throws IOException {
        Freezer freezer = new Freezer(root, "v1");
        assertThat(freezer.freeze(CGROUP)).as("no such cgroup (the container is gone)").isFalse();
        assertThat(freezer.frozen(CGROUP)).isEmpty();

        Path etc = Files.createDirectories(root.resolve("freezer/etc"));
        Files.writeString(etc.resolve("freezer.state"), "THAWED");
        assertThat(freezer.freeze("/upc/../etc")).as("no way out of the cgroup tree").isFalse();
        assertThat(freezer.freeze("/etc/.")).isFalse();
        assertThat(freezer.freeze("")).isFalse();
        assertThat(freezer.freeze(null)).isFalse();
        assertThat(freezer.freeze("/etc")).as("the same file under an honest name").isTrue();
    }
}
