package dev.upc.agent.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSecretTest {

    @TempDir
    Path stateDir;

    private Path file() {
        return stateDir.resolve(LocalSecret.FILE);
    }

    private String mode() throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file()));
    }

    @Test
    void theSecretIsMadeReadableByItsOwnerOnlyAndKeptAcrossStarts() throws IOException {
        LocalSecret first = LocalSecret.openOrCreate(stateDir, Optional.empty());

        assertThat(first.value()).matches("[A-Za-z0-9_-]{43}");
        assertThat(mode()).isEqualTo("rw-------");
        assertThat(LocalSecret.read(stateDir)).isEqualTo(first.value());
        assertThat(LocalSecret.openOrCreate(stateDir, Optional.empty()).value()).as("a client's copy stays valid")
                .isEqualTo(first.value());
        assertThat(LocalSecret.openOrCreate(Files.createDirectory(stateDir.resolve("other")), Optional.empty())
                .value()).as("random").isNotEqualTo(first.value());
    }

    @Test
    void aLooseModeIsTightenedAndSomethingElseInTheFileIsReplaced() throws IOException {
        Files.writeString(file(), "not a secret\n");
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-rw-rw-"));

        LocalSecret secret = LocalSecret.openOrCreate(stateDir, Optional.empty());

        assertThat(secret.value()).matches("[A-Za-z0-9_-]{43}");
        assertThat(mode()).isEqualTo("rw-------");
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(LocalSecret.openOrCreate(stateDir, Optional.empty()).value()).isEqualTo(secret.value());
        assertThat(mode()).isEqualTo("rw-------");
    }

    @Test
    void aLocalGroupMayReadItAndAnUnknownOneIsAConfigurationError() throws IOException {
        String group = Files.readAttributes(stateDir, PosixFileAttributes.class).group().getName();

        LocalSecret.openOrCreate(stateDir, Optional.of(group));

        assertThat(mode()).isEqualTo("rw-r-----");
        assertThat(Files.readAttributes(file(), PosixFileAttributes.class).group().getName()).isEqualTo(group);
        assertThatThrownBy(() -> LocalSecret.openOrCreate(stateDir, Optional.of("no-such-group-upc")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upc.agent.local-group");
    }

    @Test
    void aClientWithoutTheFileIsToldWhy() {
        assertThatThrownBy(() -> LocalSecret.read(stateDir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the agent writes it when it starts");
    }

    @Test
    void onlyABearerWithTheWholeSecretIsAdmitted() {
        LocalSecret secret = LocalSecret.of("s3cret-s3cret-s3cret-s3cret-s3cret-s3cret-x");

        assertThat(secret.admits("Bearer s3cret-s3cret-s3cret-s3cret-s3cret-s3cret-x")).isTrue();
        assertThat(secret.admits("bearer  s3cret-s3cret-s3cret-s3cret-s3cret-s3cret-x ")).isTrue();
        assertThat(secret.admits("Bearer s3cret")).isFalse();
        assertThat(secret.admits("Basic s3cret-s3cret-s3cret-s3cret-s3cret-s3cret-x")).isFalse();
        assertThat(secret.admits("Bearer")).isFalse();
        assertThat(secret.admits(null)).isFalse();
    }
}
