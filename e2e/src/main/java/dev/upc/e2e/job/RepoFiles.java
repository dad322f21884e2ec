package dev.upc.e2e.job;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds files of the UPC source tree: from {@code -Dupc.repo}, else upwards from the working directory. */
public final class RepoFiles {

    private RepoFiles() {
    }

    public static Path find(String relative) {
        String configured = System.getProperty("upc.repo");
        if (configured != null && Files.exists(Path.of(configured, relative))) {
            return Path.of(configured, relative).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath()
                + "; run from the UPC checkout or pass -Dupc.repo=<checkout>");
    }
}
