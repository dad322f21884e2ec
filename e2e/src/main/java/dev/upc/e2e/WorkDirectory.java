package dev.upc.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The harness's work directories (clusters, reports, benchmarks) are removed whole, before a run or after it. */
public final class WorkDirectory {

    private WorkDirectory() {
    }

    /** Deletes {@code root} and everything below it, deepest first; nothing when it is absent. */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
