package dev.upc.store.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.store.testing.TestStoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageDirectoryCheckTest {

    @TempDir
    Path dir;

    @Test
    void upWhenWritableWithEnoughFreeSpace() {
        HealthCheckResponse response = new StorageDirectoryCheck(new TestStoreConfig(dir, 1024)).call();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData().orElseThrow()).containsKey("freeBytes");
    }

    @Test
    void downWhenFreeSpaceIsBelowTheMinimum() {
        HealthCheckResponse response = new StorageDirectoryCheck(new TestStoreConfig(dir, Long.MAX_VALUE)).call();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(String.valueOf(response.getData().orElseThrow().get("error"))).contains("min-free-bytes");
    }

    @Test
    void downWhenTheDirectoryCannotBeWritten() throws Exception {
        // A path below a regular file can never be a directory, not even for root (chmod would not stop root).
        Path file = Files.writeString(dir.resolve("a-file"), "x");

        HealthCheckResponse response = new StorageDirectoryCheck(new TestStoreConfig(file.resolve("store"), 0)).call();

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }
}
