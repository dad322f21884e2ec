package dev.upc.agent.checkpoint;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks on a checkpoint's {@code spec.dump}, the OCI runtime spec podman gives runc for the restored container.
 * It must be no more than what podman makes for a job's own container here: podman's default capabilities, no new
 * privileges, a seccomp filter, the usual masked and read-only paths, fresh namespaces of its own (joining a path
 * would join the host's), no device beyond runc's defaults, no OCI hooks (they run on the host, as root), only
 * namespaced sysctls, and only the usual pseudo file systems, plus the bind mounts podman itself replaces on restore.
 * Resource limits are not judged here: the restoring PC writes its own (see the driver).
 *
 * <p>runc does not apply the capabilities and seccomp of this spec to a restored process: CRIU restores them from its
 * own images (see {@link CriuImages}). They are checked here too, so that nothing of the spec outlives the restore.
 */
final class RuntimeSpecCheck {

    static final String ENTRY = "spec.dump";

    /** podman's default capabilities (containers.conf). */
    static final Set<String> CAPABILITIES = Set.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
            "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID",
            "CAP_SYS_CHROOT");

    /** Destinations of the pseudo file systems every container gets, with their type. */
    private static final Map<String, String> FILE_SYSTEMS = Map.of("/proc", "proc", "/dev", "tmpfs", "/sys", "sysfs",
            "/dev/pts", "devpts", "/dev/mqueue", "mqueue", "/sys/fs/cgroup", "cgroup");
    /** Bind mounts podman removes and makes anew for a restored container: their sources in the archive don't count. */
    private static final Set<String> REPLACED_BINDS = Set.of("/dev/shm", "/etc/resolv.conf", "/etc/hostname",
            "/etc/hosts", "/run/.containerenv", "/run/secrets");
    private static final Set<String> NAMESPACES = Set.of("pid", "network", "ipc", "uts", "mount", "cgroup");
    private static final Set<String> MASKED = Set.of("/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware");
    private static final Set<String> READ_ONLY = Set.of("/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq",
            "/proc/sys", "/proc/sysrq-trigger");
    /** Character devices runc gives every container: null, zero, full, random, urandom, tty, console, ptmx. */
    private static final Set<String> DEVICES = Set.of("1:3", "1:5", "1:7", "1:8", "1:9", "5:0", "5:1", "5:2");
    private static final Set<String> TOP = Set.of("ociVersion", "process", "root", "hostname", "domainname", "mounts",
            "annotations", "linux");
    private static final Set<String> PROCESS = Set.of("terminal", "consoleSize", "user", "args", "env", "cwd",
            "capabilities", "rlimits", "noNewPrivileges", "apparmorProfile", "oomScoreAdj", "selinuxLabel");
    private static final Set<String> LINUX = Set.of("uidMappings", "gidMappings", "sysctl", "resources",
            "cgroupsPath", "namespaces", "devices", "seccomp", "rootfsPropagation", "maskedPaths", "readonlyPaths",
            "mountLabel");

    private RuntimeSpecCheck() {
    }

    /**
     * @param maxRlimit     the highest soft and hard limit of open files and processes a job gets here
     * @param userNamespace whether this PC puts the job in a user namespace of its own (then the archive's mappings
     *                      do not count: they are replaced)
     */
    static void check(byte[] dump, long maxRlimit, boolean userNamespace) throws ArchiveRefusedException {
        Map<String, Object> spec = DumpJson.parse(ENTRY, dump, Set.of("annotations", "sysctl"));
        known(spec, TOP, "");
        process(DumpJson.object(spec, "process"), maxRlimit);
        for (Object item : DumpJson.list(spec, "mounts")) {
            mount(item);
        }
        linux(DumpJson.object(spec, "linux"), userNamespace);
    }

    private static void process(Map<String, Object> process, long maxRlimit) throws ArchiveRefusedException {
        known(process, PROCESS, "process.");
        if (!Boolean.TRUE.equals(DumpJson.get(process, "noNewPrivileges"))) {
            throw refused("lets the job gain privileges (noNewPrivileges is not set)");
        }
        for (Map.Entry<String, Object> set : DumpJson.object(process, "capabilities").entrySet()) {
            if (!(set.getValue() instanceof List<?> caps)) {
                if (set.getValue() != null) {
                    throw refused("has capabilities that are not a list");
                }
                continue;
            }
            for (Object cap : caps) {
                if (!CAPABILITIES.contains(cap)) {
                    throw refused("grants " + cap + " (" + set.getKey() + ")");
                }
            }
        }
        Object oom = DumpJson.get(process, "oomScoreAdj");
        if (oom != null && !(oom instanceof Long l && l >= 0)) {
            throw refused("shields the job from the OOM killer (oomScoreAdj " + oom + ")");
        }
        String apparmor = DumpJson.text(process, "apparmorProfile");
        if (apparmor.equals("unconfined")) {
            throw refused("runs the job without its AppArmor profile");
        }
        for (Object item : DumpJson.list(process, "rlimits")) {
            Map<String, Object> rlimit = map(item, "an rlimit");
            String type = DumpJson.text(rlimit, "type");
            if (!type.equals("RLIMIT_NOFILE") && !type.equals("RLIMIT_NPROC")) {
                throw refused("sets " + type);
            }
            for (String bound : List.of("soft", "hard")) {
                if (!(rlimit.get(bound) instanceof Long value) || value < 0 || value > maxRlimit) {
                    throw refused("sets " + type + " " + bound + " to " + rlimit.get(bound));
                }
            }
        }
    }

    private static void mount(Object item) throws ArchiveRefusedException {
        Map<String, Object> mount = map(item, "a mount");
        String destination = DumpJson.text(mount, "destination");
        String type = DumpJson.text(mount, "type");
        if (type.equals("bind") && REPLACED_BINDS.contains(destination)) {
            return;
        }
        if (!type.equals(FILE_SYSTEMS.get(destination)) || !type.equals(DumpJson.text(mount, "source"))) {
            throw refused("mounts " + DumpJson.text(mount, "source") + " (" + type + ") at " + destination);
        }
        List<?> options = DumpJson.list(mount, "options");
        if ((type.equals("sysfs") || type.equals("cgroup")) && (!options.contains("ro") || options.contains("rw"))) {
            throw refused("mounts " + destination + " writable");
        }
    }

    private static void linux(Map<String, Object> linux, boolean userNamespace) throws ArchiveRefusedException {
        known(linux, LINUX, "linux.");
        if (!userNamespace && (!DumpJson.unset(DumpJson.get(linux, "uidMappings"))
                || !DumpJson.unset(DumpJson.get(linux, "gidMappings")))) {
            throw refused("maps user ids (the job's container has no user namespace here)");
        }
        Set<String> types = new java.util.HashSet<>();
        for (Object item : DumpJson.list(linux, "namespaces")) {
            Map<String, Object> namespace = map(item, "a namespace");
            String type = DumpJson.text(namespace, "type");
            if (!NAMESPACES.contains(type) && !(userNamespace && type.equals("user"))) {
                throw refused("asks for a " + type + " namespace");
            }
            if (!DumpJson.text(namespace, "path").isEmpty()) {
                throw refused("joins the " + type + " namespace at " + DumpJson.get(namespace, "path"));
            }
            types.add(type);
        }
        for (String type : List.of("pid", "network", "ipc", "uts", "mount")) {
            if (!types.contains(type)) {
                throw refused("shares the host's " + type + " namespace");
            }
        }
        if (!DumpJson.list(linux, "devices").isEmpty()) {
            throw refused("creates devices");
        }
        for (Object item : DumpJson.list(DumpJson.object(linux, "resources"), "devices")) {
            Map<String, Object> rule = map(item, "a device rule");
            if (Boolean.TRUE.equals(DumpJson.get(rule, "allow")) && !("c".equals(DumpJson.get(rule, "type"))
                    && DEVICES.contains(DumpJson.get(rule, "major") + ":" + DumpJson.get(rule, "minor")))) {
                throw refused("allows the device " + DumpJson.get(rule, "type") + " " + DumpJson.get(rule, "major") + ":"
                        + DumpJson.get(rule, "minor"));
            }
        }
        for (String key : DumpJson.object(linux, "sysctl").keySet()) {
            if (!namespaced(key)) {
                throw refused("sets the host's sysctl " + key);
            }
        }
        if (!DumpJson.list(linux, "maskedPaths").containsAll(MASKED)) {
            throw refused("unmasks paths of /proc or /sys that every container has masked");
        }
        if (!DumpJson.list(linux, "readonlyPaths").containsAll(READ_ONLY)) {
            throw refused("makes writable paths of /proc that every container has read-only");
        }
        Map<String, Object> seccomp = DumpJson.object(linux, "seccomp");
        String action = DumpJson.text(seccomp, "defaultAction");
        if (!action.equals("SCMP_ACT_ERRNO")) {
            throw refused("has no seccomp filter that refuses by default (" + (action.isEmpty() ? "none" : action)
                    + ")");
        }
    }

    /** Sysctls the kernel keeps per network or IPC namespace (the ones runc lets a container set). */
    private static boolean namespaced(String key) {
        return key.startsWith("net.") || key.startsWith("fs.mqueue.") || key.equals("kernel.msgmax")
                || key.equals("kernel.msgmnb") || key.equals("kernel.msgmni") || key.equals("kernel.sem")
                || key.equals("kernel.shmall") || key.equals("kernel.shmmax") || key.equals("kernel.shmmni")
                || key.equals("kernel.shm_rmid_forced");
    }

    /** Fields outside {@code known} (OCI hooks among them) are accepted only when unset. */
    private static void known(Map<String, Object> object, Set<String> known, String prefix)
            throws ArchiveRefusedException {
        for (Map.Entry<String, Object> field : object.entrySet()) {
            if (!known.contains(field.getKey()) && !DumpJson.unset(field.getValue())) {
                throw refused("sets " + prefix + field.getKey());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object item, String what) throws ArchiveRefusedException {
        if (!(item instanceof Map<?, ?> m)) {
            throw refused("has " + what + " that is not an object");
        }
        return (Map<String, Object>) m;
    }

    private static ArchiveRefusedException refused(String why) {
        return new ArchiveRefusedException(ENTRY + " " + why);
    }
}
