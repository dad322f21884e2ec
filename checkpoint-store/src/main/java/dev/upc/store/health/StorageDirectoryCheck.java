package dev.upc.store.health;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the blob directory exists (or can be made) and takes a write. */
@Readiness
public class StorageDirectoryCheck implements HealthCheck {

    private final Path directory;

    StorageDirectoryCheck(@ConfigProperty(name = "upc.store.directory") Path directory) {
        this.directory = directory;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("storage-directory").withData("directory", directory.toString());
        try {
            Files.createDirectories(directory);
            Path probe = Files.createTempFile(directory, ".ready-", ".probe");
            Files.delete(probe);
            return response.up().build();
        } catch (IOException | RuntimeException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
