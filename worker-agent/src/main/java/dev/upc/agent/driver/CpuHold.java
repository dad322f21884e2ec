package dev.upc.agent.driver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Holds a running container's CPU near zero by writing its own cgroup's CPU bandwidth ({@link TaskLimits#SUSPENDED}),
 * and gives it back. The files are written directly, not through libpod's {@code update}: a write takes about a
 * millisecond where podman's update (through runc) takes 50 ms, and needs no podman at all — the owner who came back
 * gets the CPU as soon as the agent hears of it.
 *
 * <p>Why a quota and not a freeze: podman refuses to checkpoint a paused container, and the job must stay movable
 * while its owner works. A held task is dumped slowly, though — CRIU's parasite code runs in the task and gets the
 * same 1 ms a second (a 32 MiB dump took 3.8–5.8 s held against 0.3–0.5 s free, on this machine) — so the driver
 * releases the hold right before a dump; CRIU freezes the task milliseconds later.
 *
 * <p>Cgroup v1 has {@code cpu.cfs_period_us} and {@code cpu.cfs_quota_us} in the {@code cpu} hierarchy (mounted as
 * {@code cpu,cpuacct} with links, or alone); v2 has {@code cpu.max} ("quota period" or "max period"). Only the
 * container's own cgroup is written: in v1 a parent's quota may not be set below a child's.
 */
final class CpuHold {

    /** A cgroup path as podman reports it: absolute, no {@code .} or {@code ..} segment. */
    private static final Pattern PATH = Pattern.compile("(/(?!\\.{1,2}(/|$))[A-Za-z0-9_.:@-]+)+");

    private final Path root;
    private final boolean v2;

    /**
     * @param root          where cgroups are mounted, {@code /sys/fs/cgroup}
     * @param cgroupVersion podman's {@code v1} or {@code v2}
     */
    CpuHold(Path root, String cgroupVersion) {
        this.root = root;
        this.v2 = "v2".equals(cgroupVersion);
    }

    /**
     * Holds the container of that cgroup to {@link TaskLimits#SUSPENDED}.
     *
     * @return false when its cgroup's files are not there (gone, or a layout this does not know)
     */
    boolean hold(String cgroup) throws IOException {
        return write(cgroup, TaskLimits.SUSPENDED.cpuQuotaMicros(), TaskLimits.SUSPENDED.cpuPeriodMicros());
    }

    /**
     * Gives the container {@code limits}' CPU back.
     *
     * @return false when its cgroup's files are not there
     */
    boolean release(String cgroup, TaskLimits limits) throws IOException {
        return write(cgroup, limits.cpuQuotaMicros(), limits.cpuPeriodMicros());
    }

    /**
     * Takes any CPU limit off the container (for the moment before a dump, which freezes it).
     *
     * @return false when its cgroup's files are not there
     */
    boolean lift(String cgroup) throws IOException {
        return write(cgroup, -1, TaskLimits.DEFAULT_PERIOD_MICROS);
    }

    /** Whether the container is held now; empty when its files cannot be read. */
    Optional<Boolean> held(String cgroup) {
        Optional<Path> dir = dir(cgroup);
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        try {
            long quota;
            long period;
            if (v2) {
                String[] max = Files.readString(dir.get().resolve("cpu.max"), StandardCharsets.US_ASCII).strip()
                        .split("\\s+");
                quota = max[0].equals("max") ? -1 : Long.parseLong(max[0]);
                period = Long.parseLong(max[1]);
            } else {
                quota = Long.parseLong(read(dir.get().resolve("cpu.cfs_quota_us")));
                period = Long.parseLong(read(dir.get().resolve("cpu.cfs_period_us")));
            }
            return Optional.of(quota == TaskLimits.SUSPENDED.cpuQuotaMicros()
                    && period == TaskLimits.SUSPENDED.cpuPeriodMicros());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private boolean write(String cgroup, long quota, long period) throws IOException {
        Optional<Path> dir = dir(cgroup);
        if (dir.isEmpty()) {
            return false;
        }
        try {
            if (v2) {
                Files.writeString(dir.get().resolve("cpu.max"), (quota < 0 ? "max" : Long.toString(quota)) + " " + period,
                        StandardCharsets.US_ASCII);
            } else {
                // The quota's share must stay valid at each step: the period first, as the quota is in µs of it.
                Files.writeString(dir.get().resolve("cpu.cfs_period_us"), Long.toString(period),
                        StandardCharsets.US_ASCII);
                Files.writeString(dir.get().resolve("cpu.cfs_quota_us"), Long.toString(quota),
                        StandardCharsets.US_ASCII);
            }
            return true;
        } catch (NoSuchFileException e) {
            return false; // the container's cgroup went away meanwhile (it exited)
        }
    }

    private Optional<Path> dir(String cgroup) {
        if (cgroup == null || !PATH.matcher(cgroup).matches()) {
            return Optional.empty();
        }
        List<Path> candidates = v2 ? List.of(root.resolve(cgroup.substring(1)))
                : List.of(root.resolve("cpu,cpuacct").resolve(cgroup.substring(1)),
                        root.resolve("cpu").resolve(cgroup.substring(1)));
        return candidates.stream()
                .filter(dir -> Files.isRegularFile(dir.resolve(v2 ? "cpu.max" : "cpu.cfs_quota_us")))
                .findFirst();
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }
}
