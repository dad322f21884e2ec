package dev.upc.store.health;

import dev.upc.store.config.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the blob directory exists (or can be made), takes a write, and its filesystem has at least
 * {@code upc.store.min-free-bytes} usable: a store that cannot take the next checkpoint should get no traffic.
 */
@Readiness
public class StorageDirectoryCheck implements HealthCheck {

    private final Path directory;
    private final long minFreeBytes;

    StorageDirectoryCheck(StoreConfig config) {
        this.directory = config.directory();
        this.minFreeBytes = config.minFreeBytes().asLongValue();
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("storage-directory").withData("directory", directory.toString())
                .withData("minFreeBytes", minFreeBytes);
        try {
            Files.createDirectories(directory);
            // Starts with '.' like upload temp files, so a probe left by a crash is swept at start.
            Path probe = Files.createTempFile(directory, ".ready-", ".probe");
            Files.delete(probe);
            long free = Files.getFileStore(directory).getUsableSpace();
            response.withData("freeBytes", free);
            if (free < minFreeBytes) {
                return response.down().withData("error", "free space " + free + " bytes is below the minimum "
                        + minFreeBytes + " (upc.store.min-free-bytes)").build();
            }
            return response.up().build();
        } catch (IOException | RuntimeException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
