package dev.upc.agent.facts;

import dev.upc.agent.state.CachedCriu;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which CRIU would run, on which boot of the kernel: what a passed {@code criu check} holds for. Another binary (an
 * upgrade) or another boot (perhaps another kernel) needs the check again.
 */
public record CriuIdentity(String binary, long size, long modifiedMillis, String bootId) {

    /**
     * The identity of {@code criu} (a path, or a name looked up on {@code PATH}) on this boot, or empty when it cannot
     * be told (no such binary, no boot id): then the check runs before every start.
     */
    public static Optional<CriuIdentity> of(String criu, Path root) {
        try {
            Optional<Path> binary = locate(criu);
            if (binary.isEmpty()) {
                return Optional.empty();
            }
            Path real = binary.get().toRealPath();
            String bootId = Files.readString(root.resolve("proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII)
                    .strip();
            return Optional.of(new CriuIdentity(real.toString(), Files.size(real),
                    Files.getLastModifiedTime(real).toMillis(), bootId));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> locate(String criu) {
        if (criu.contains("/")) {
            return Optional.of(Path.of(criu)).filter(Files::isExecutable);
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, criu);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Whether a check passed by {@code cached} holds for this binary on this boot. */
    public boolean passed(CachedCriu cached) {
        return cached != null && binary.equals(cached.binary()) && size == cached.size()
                && modifiedMillis == cached.modifiedMillis() && bootId.equals(cached.bootId());
    }

    public CachedCriu passedWith(String version) {
        return new CachedCriu(binary, size, modifiedMillis, bootId, version);
    }
}
