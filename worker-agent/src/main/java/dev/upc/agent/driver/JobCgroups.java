package dev.upc.agent.driver;

import dev.upc.agent.owner.CgroupCpuTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * A cgroup parent of its own for every job container ({@code /upc/<container name>}), so that the job's CPU time can
 * be read exactly once it has ended. Podman removes a container's own cgroup the moment it stops, and with it the CPU
 * counter; its parent keeps the time of children that are gone. Without this the agent reports the CPU time of the
 * last stats reading, up to a heartbeat too little: on a PC lending 80 % of a core, a 10 s stretch of a job lost
 * 0.8 s of its 8 CPU seconds that way.
 *
 * <p>Only with podman's {@code cgroupfs} manager (a cgroup parent is a path; under {@code systemd} it must be a slice,
 * and the agent leaves podman's default there and reports the last reading). Cgroup v1 keeps one directory per
 * controller hierarchy, v2 one in all; both are read and removed here. Only paths under {@code /upc/} with a
 * container name's characters are ever touched.
 */
public final class JobCgroups {

    private static final Logger LOG = Logger.getLogger(JobCgroups.class);
    static final String PREFIX = "/upc/";
    private static final Pattern OURS = Pattern.compile("/upc/[a-zA-Z0-9][a-zA-Z0-9_.-]{0,250}");

    private final Path root;
    private final boolean v2;
    private final boolean enabled;
    private final boolean systemd;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    /**
     * @param root          where cgroups are mounted, {@code /sys/fs/cgroup}
     * @param cgroupVersion podman's {@code v1} or {@code v2}
     * @param cgroupManager podman's {@code cgroupfs} or {@code systemd}
     */
    public JobCgroups(Path root, String cgroupVersion, String cgroupManager) {
        this.root = root;
        this.v2 = "v2".equals(cgroupVersion);
        this.enabled = "cgroupfs".equals(cgroupManager) && Files.isDirectory(root);
        this.systemd = "systemd".equals(cgroupManager);
    }

    /** Podman's defaults, nothing read or removed (no cgroupfs here, or a test without cgroups). */
    public static JobCgroups none() {
        return new JobCgroups(Path.of("/nonexistent"), "v1", "none");
    }

    /** Freezes containers through the cgroups mounted here, whatever the manager. */
    Freezer freezer() {
        return new Freezer(root, v2 ? "v2" : "v1");
    }

    /** The cgroup parent for a new container of this name; empty: podman's default. */
    public Optional<String> parentFor(String containerName) {
        String parent = PREFIX + containerName;
        return enabled && OURS.matcher(parent).matches() ? Optional.of(parent) : Optional.empty();
    }

    /**
     * The cgroup parent a container restored under this name gets, in place of the one its archive names (the source
     * PC's, perhaps for the other cgroup manager): its own parent, or under systemd podman's default for root; empty
     * when there is nothing better than the archive's.
     */
    public Optional<String> parentForRestore(String containerName) {
        Optional<String> own = parentFor(containerName);
        return own.isPresent() || !systemd ? own : Optional.of("machine.slice");
    }

    /**
     * The file counting the CPU time of all job containers together (the parent of their parents), for the owner's CPU
     * detector; empty when the jobs have no parents of their own. It appears with the first job.
     */
    public Optional<Path> allJobsCpuFile() {
        if (!enabled) {
            return Optional.empty();
        }
        if (v2) {
            return Optional.of(root.resolve("upc/cpu.stat"));
        }
        Path joint = root.resolve("cpu,cpuacct");
        return Optional.of((Files.isDirectory(joint) ? joint : root.resolve("cpuacct")).resolve("upc/cpuacct.usage"));
    }

    /**
     * The CPU seconds the container used, from its cgroup parent; empty when that is not a parent of ours or cannot be
     * read. Podman puts the container's conmon in a {@code conmon} cgroup under the same parent: its time is not the
     * job's and is taken off. Exact once the container has stopped.
     */
    public Optional<Double> cpuSeconds(String parent) {
        if (!ours(parent)) {
            return Optional.empty();
        }
        return nanos(parent).map(all -> (all - nanos(parent + "/conmon").orElse(0L)) / 1e9);
    }

    private boolean ours(String parent) {
        return enabled && parent != null && OURS.matcher(parent).matches();
    }

    private Optional<Long> nanos(String cgroup) {
        for (Path file : v2 ? List.of(dir(cgroup).resolve("cpu.stat"))
                : List.of(root.resolve("cpu,cpuacct" + cgroup + "/cpuacct.usage"),
                root.resolve("cpuacct" + cgroup + "/cpuacct.usage"))) {
            try {
                return Optional.of(CgroupCpuTime.parse(Files.readString(file, StandardCharsets.US_ASCII)).toNanos());
            } catch (NoSuchFileException e) {
                // the other layout, or no such cgroup
            } catch (IOException | IllegalArgumentException e) {
                LOG.debugf("cannot read the CPU time of cgroup %s: %s", cgroup, e.getMessage());
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Removes the parent and its {@code conmon} cgroup (in every v1 hierarchy) once its container is gone. Conmon may
     * still be on its way out: what cannot go yet is tried again with the next removal. A parent never made is
     * nothing to do.
     */
    public void remove(String parent) {
        if (!ours(parent)) {
            return;
        }
        pending.add(parent);
        for (String each : List.copyOf(pending)) {
            if (removeNow(each)) {
                pending.remove(each);
            }
        }
    }

    /** Parents a removal left behind for a later one. */
    int pending() {
        return pending.size();
    }

    private boolean removeNow(String parent) {
        boolean gone = true;
        for (Path dir : directories(parent)) {
            for (Path each : List.of(dir.resolve("conmon"), dir)) {
                try {
                    Files.deleteIfExists(each);
                } catch (IOException e) {
                    LOG.debugf("cgroup %s stays for now: %s", each, e.getMessage());
                    gone = false;
                }
            }
        }
        return gone;
    }

    private List<Path> directories(String parent) {
        if (v2) {
            return List.of(dir(parent));
        }
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(root)) {
            for (Path hierarchy : hierarchies) {
                // cpu and cpuacct are links to cpu,cpuacct: each hierarchy once
                if (Files.isDirectory(hierarchy, LinkOption.NOFOLLOW_LINKS)) {
                    dirs.add(hierarchy.resolve(parent.substring(1)));
                }
            }
        } catch (IOException e) {
            LOG.debugf("cannot list the cgroup hierarchies under %s: %s", root, e.getMessage());
        }
        return dirs;
    }

    private Path dir(String parent) {
        return root.resolve(parent.substring(1));
    }
}
