package dev.upc.agent.driver;

import dev.upc.agent.json.JsonText;
import dev.upc.agent.libpod.UserNamespace;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OCI runtime spec a checkpoint archive carries ({@code spec.dump}), as a restoring PC rewrites it. Podman creates
 * the restored container from that spec, so without a rewrite the job is restored under the CPU quota of the PC it
 * came from, and CRIU's restore, which runs in the job's cgroup, is throttled by it: a 32 MiB job from a PC lending
 * 10 % of a core took 1.0 s to restore here, against 0.26 s under the target's 80 % (measured with the podman CLI,
 * runc and CRIU 4.1.1). The target's own quota is set in the spec instead, before libpod sees it.
 *
 * <p>Likewise the container's libpod configuration ({@code config.dump}): its {@code cgroupParent}, from which podman
 * makes the restored container's cgroup path, is the source's choice; the target puts its own there (see
 * {@link JobCgroups}), so that a job's CPU time is counted in a parent of the target's and a PC with the other cgroup
 * manager can restore it at all.
 */
public final class CheckpointSpec {

    /** spec.dump and config.dump are ~20 KiB; anything much larger is not a file podman wrote. */
    public static final int MAX_BYTES = 4 << 20;
    public static final String ENTRY = "spec.dump";
    public static final String CONFIG_ENTRY = "config.dump";

    private CheckpointSpec() {
    }

    /**
     * The spec with {@code linux.resources.cpu} set to this quota and period and {@code linux.resources.pids} to this
     * many processes; empty (keep the original) when the text is not a JSON object with a {@code linux} object, or
     * holds a number that would not survive the rewrite exactly.
     */
    public static Optional<byte[]> withLimits(byte[] spec, long quotaMicros, long periodMicros, long maxProcesses) {
        return forTarget(spec, quotaMicros, periodMicros, maxProcesses, Optional.empty());
    }

    /**
     * {@link #withLimits}, and with {@code users} the container runs in that user namespace: the spec's id mappings
     * are this PC's, whatever the source's were, and its namespaces include a user namespace.
     */
    public static Optional<byte[]> forTarget(byte[] spec, long quotaMicros, long periodMicros, long maxProcesses,
                                             Optional<UserNamespace> users) {
        return rewrite(spec, root -> {
            if (!(root.get("linux") instanceof Map<?, ?>)) {
                return false;
            }
            Map<String, Object> linux = object(root, "linux");
            Map<String, Object> resources = object(linux, "resources");
            Map<String, Object> cpu = object(resources, "cpu");
            cpu.put("quota", quotaMicros);
            cpu.put("period", periodMicros);
            object(resources, "pids").put("limit", maxProcesses);
            users.ifPresent(u -> {
                List<Object> mapping = List.of(Map.of("containerID", 0L, "hostID", u.hostId(), "size", u.size()));
                linux.put("uidMappings", mapping);
                linux.put("gidMappings", mapping);
                List<Object> namespaces = linux.get("namespaces") instanceof List<?> l
                        ? new java.util.ArrayList<>(l) : new java.util.ArrayList<>();
                if (namespaces.stream().noneMatch(n -> n instanceof Map<?, ?> m && "user".equals(m.get("type")))) {
                    namespaces.add(Map.of("type", "user"));
                }
                linux.put("namespaces", namespaces);
            });
            return true;
        });
    }

    /**
     * The libpod configuration for this PC: {@code cgroupParent} set to {@code parent} when there is one, and the pid
     * files, which podman keeps where the source PC had them unless they are under this PC's run root, left for
     * podman to place (a host path chosen by the archive would be written by conmon, as root), as is the list of shm
     * directories podman unmounts when the container is cleaned up (the source's would stay in it). Empty (keep the
     * original) when the text is not a JSON object, or holds a number that would not survive the rewrite exactly.
     */
    public static Optional<byte[]> forTarget(byte[] config, Optional<String> parent) {
        return forTarget(config, parent, Optional.empty());
    }

    /**
     * {@link #forTarget(byte[], Optional)}, and with {@code users} podman makes the container's storage for that
     * user namespace (its files owned by the namespace's ids), whatever the source's was.
     */
    public static Optional<byte[]> forTarget(byte[] config, Optional<String> parent, Optional<UserNamespace> users) {
        return rewrite(config, root -> {
            if (parent.isPresent() && root.get("cgroupParent") instanceof String) {
                root.put("cgroupParent", parent.get());
            }
            root.remove("conmonPidFile");
            root.remove("pid_file");
            root.remove("mounts"); // shm directories of earlier PCs, which podman would unmount here at the end
            users.ifPresent(u -> {
                List<Object> mapping = List.of(Map.of("container_id", 0L, "host_id", u.hostId(), "size", u.size()));
                Map<String, Object> options = new LinkedHashMap<>();
                options.put("HostUIDMapping", false);
                options.put("HostGIDMapping", false);
                options.put("UIDMap", mapping);
                options.put("GIDMap", mapping);
                options.put("AutoUserNs", false);
                root.put("idMappingsOptions", options);
            });
            return true;
        });
    }

    private static Optional<byte[]> rewrite(byte[] json, java.util.function.Predicate<Map<String, Object>> change) {
        Object parsed;
        try {
            parsed = JsonText.parse(new String(json, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (!(parsed instanceof Map<?, ?> map) || hasFraction(map)) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> root = (Map<String, Object>) map;
        return change.test(root) ? Optional.of(JsonText.write(root, false).getBytes(StandardCharsets.UTF_8))
                : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        Map<String, Object> fresh = new LinkedHashMap<>();
        parent.put(key, fresh);
        return fresh;
    }

    /** A Double anywhere: a fraction, or an integer beyond a long that parsing made inexact. */
    private static boolean hasFraction(Object value) {
        if (value instanceof Double) {
            return true;
        }
        if (value instanceof Map<?, ?> map) {
            return map.values().stream().anyMatch(CheckpointSpec::hasFraction);
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(CheckpointSpec::hasFraction);
        }
        return false;
    }
}
