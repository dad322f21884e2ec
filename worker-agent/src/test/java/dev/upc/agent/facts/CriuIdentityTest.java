package dev.upc.agent.facts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.state.CachedCriu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A passed criu check holds for the same binary on the same boot, and for nothing else. */
class CriuIdentityTest {

    @TempDir
    Path root;

    private Path criu() throws IOException {
        Files.createDirectories(root.resolve("proc/sys/kernel/random"));
        Files.writeString(root.resolve("proc/sys/kernel/random/boot_id"), "boot-1\n");
        Path binary = root.resolve("criu");
        Files.writeString(binary, "#!/bin/sh\n");
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
        return binary;
    }

    @Test
    void aPassHoldsForTheSameBinaryOnTheSameBoot() throws IOException {
        Path binary = criu();
        CachedCriu passed = CriuIdentity.of(binary.toString(), root).orElseThrow().passedWith("4.1.1");

        assertThat(CriuIdentity.of(binary.toString(), root).orElseThrow().passed(passed)).isTrue();
        assertThat(passed.version()).isEqualTo("4.1.1");
        assertThat(passed.binary()).isEqualTo(binary.toRealPath().toString());
    }

    @Test
    void anUpgradeOrAnotherBootNeedsTheCheckAgain() throws IOException {
        Path binary = criu();
        CachedCriu passed = CriuIdentity.of(binary.toString(), root).orElseThrow().passedWith("4.1.1");

        Files.setLastModifiedTime(binary, FileTime.fromMillis(passed.modifiedMillis() + 1000));
        assertThat(CriuIdentity.of(binary.toString(), root).orElseThrow().passed(passed)).as("upgraded").isFalse();

        CachedCriu again = CriuIdentity.of(binary.toString(), root).orElseThrow().passedWith("4.1.1");
        Files.writeString(root.resolve("proc/sys/kernel/random/boot_id"), "boot-2\n");
        assertThat(CriuIdentity.of(binary.toString(), root).orElseThrow().passed(again)).as("rebooted").isFalse();
        assertThat(CriuIdentity.of(binary.toString(), root).orElseThrow().passed(null)).isFalse();
    }

    @Test
    void withoutABinaryOrABootIdNothingIsCached() throws IOException {
        Path binary = criu();
        assertThat(CriuIdentity.of(root.resolve("nope").toString(), root)).isEmpty();
        assertThat(CriuIdentity.of("no-such-criu-anywhere", root)).isEmpty();
        Files.delete(root.resolve("proc/sys/kernel/random/boot_id"));
        assertThat(CriuIdentity.of(binary.toString(), root)).isEmpty();
    }
}
