package dev.upc.e2e.k8s;

import dev.upc.e2e.pc.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Renders an overlay of {@code k8s/} with kubectl ({@code kubectl kustomize}, kustomize v2.0.3 or v5). */
public final class Kustomize {

    /** The overlays in {@code k8s/overlays}. */
    public static final List<String> OVERLAYS = List.of("local", "production", "production-tls");

    private Kustomize() {
    }

    /** {@code k8s/overlays/<name>} under the repository root {@code repo}. */
    public static Path overlay(Path repo, String name) {
        Path dir = repo.resolve("k8s/overlays").resolve(name);
        if (!OVERLAYS.contains(name) || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no overlay '" + name + "' (overlays: " + String.join(", ", OVERLAYS)
                    + ")");
        }
        return dir;
    }

    /** The overlay's objects as one multi-document YAML. Warnings of newer kustomize versions are left out. */
    public static String render(Path overlay) {
        return render("kubectl", overlay);
    }

    /** {@link #render(Path)} with the given kubectl (a path, or a name found on PATH). */
    public static String render(String kubectl, Path overlay) {
        String output = Processes.run(List.of(kubectl, "kustomize", overlay.toString()), Duration.ofSeconds(60),
                null);
        // kustomize v5 prints "# Warning: 'bases' is deprecated" to stderr, which Processes merges into the output
        return output.lines().filter(line -> !line.startsWith("# Warning:"))
                .reduce(new StringBuilder(), (all, line) -> all.append(line).append('\n'), StringBuilder::append)
                .toString();
    }
}
