package dev.upc.agent.owner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The cumulative CPU time of the job containers, read from their parent cgroup: cgroup v1 {@code cpuacct.usage}
 * (one number, nanoseconds) or cgroup v2 {@code cpu.stat} (a {@code usage_usec} line). A parent keeps the time of
 * children that are gone, so the counter never goes back when a job ends.
 */
public final class CgroupCpuTime {

    private CgroupCpuTime() {
    }

    /** Reads the file on every call; a missing file is zero (libpod creates the parent with the first container). */
    public static Supplier<Duration> fromFile(Path file) {
        KernelFile counter = new KernelFile(file);
        return () -> {
            try {
                Optional<String> text = counter.read();
                return text.isPresent() ? parse(text.get()) : Duration.ZERO;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the jobs' CPU time from " + file, e);
            }
        };
    }

    /** The CPU time in the text of a {@code cpuacct.usage} or {@code cpu.stat} file. */
    public static Duration parse(String text) {
        String trimmed = text.strip();
        if (digits(trimmed)) {
            return Duration.ofNanos(number(trimmed)); // cpuacct.usage, read twice a second: first, and no regex
        }
        for (String line : text.split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 2 && parts[0].equals("usage_usec")) {
                return Duration.ofNanos(number(parts[1]) * 1000);
            }
        }
        throw new IllegalArgumentException("neither a cpuacct.usage number nor a cpu.stat usage_usec line: "
                + (trimmed.length() > 80 ? trimmed.substring(0, 80) + "…" : trimmed));
    }

    private static boolean digits(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CPU time: " + text, e);
        }
    }
}
