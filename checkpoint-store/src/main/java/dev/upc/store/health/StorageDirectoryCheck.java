package dev.upc.store.health;

import dev.upc.store.config.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the blob directory exists (or can be made) and takes a write. */
@Readiness
public class StorageDirectoryCheck implements HealthCheck {

    private final Path directory;

    StorageDirectoryCheck(StoreConfig config) {
        this.directory = config.directory();
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("storage-directory").withData("directory", directory.toString());
        try {
            Files.createDirectories(directory);
            // Starts with '.' like upload temp files, so a probe left by a crash is swept at start.
            Path probe = Files.createTempFile(directory, ".ready-", ".probe");
            Files.delete(probe);
            return response.up().build();
        } catch (IOException | RuntimeException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
