package dev.upc.agent.checkpoint;

import java.util.Map;
import java.util.Set;

/**
 * The checks on a checkpoint's {@code config.dump}, libpod's configuration of the container, from which podman
 * 4.3 creates the restored container nearly as it is (measured and read in its source: only the name, id, runtime,
 * log path, shm and secrets directories and cgroup path are made anew). A job's container has no privileges, volumes,
 * devices, network, shared namespaces, host paths or restart policy, and logs to a capped file; an archive whose
 * configuration has any of them is refused. A field this podman does not know is accepted only when unset, so a
 * newer podman's archive still restores unless it uses what this check cannot judge.
 */
final class ContainerConfigCheck {

    static final String ENTRY = "config.dump";

    /** podman 4.3's fields that may hold anything: names, times, commands, labels, and what podman redoes itself. */
    private static final Set<String> FREE = Set.of("spec", "id", "name", "namespace", "lockID", "CreateCommand",
            "RawImageName", "rootfsImageID", "rootfsImageName", "idMappingsOptions", "ShmDir", "NOShmShare", "NoShm",
            "shmSize", "staticDir", "createWorkingDir", "secretsPath", "volatile", "passwd", "ProcessLabel",
            "MountLabel", "labelopts", "user", "groups", "addCurrentUserPasswdEntry", "staticIP", "staticMAC",
            "dnsServer", "dnsSearch", "dnsOption", "hostsAdd", "entrypoint", "command", "stdin", "labels", "stopSignal",
            "stopTimeout", "timeout", "createdTime", "cgroupManager", "cgroupParent", "logPath", "logTag",
            "conmonPidFile", "pid_file", "postConfigureNetNS", "runtime", "umask", "passwd_entry",
            "healthcheck_on_failure_action", "UseImageResolvConf", "UseImageHosts", "mounts", "logSize", "logDriver",
            "cgroupsMode", "networkMode");

    /** Fields that must be unset: each gives the container something of the host's or of another container's. */
    private static final Set<String> UNSET = Set.of("pod", "Dependencies", "rootfs", "rootfs_overlay", "namedVolumes",
            "overlayVolumes", "ctrImageVolumes", "userVolumes", "secrets", "secret_env", "storageOpts",
            "chroot_directories", "privileged", "HostUsers", "ipcNsCtr", "mountNsCtr", "netNsCtr", "pidNsCtr",
            "userNsCtr", "utsNsCtr", "cgroupNsCtr", "createNetNS", "newPortMappings", "portMappings", "exposedPorts",
            "newNetworks", "networks", "network_options", "noCgroups", "restart_policy", "restart_retries", "pause",
            "isService", "sdnotifyMode", "sdnotifySocket", "systemd", "healthcheck", "preserveFds", "timezone",
            "cdiDevices", "device_host_src", "init_container_type", "mountAllDevices");

    private ContainerConfigCheck() {
    }

    /**
     * @param image       the job's image as its RESTORE names it
     * @param maxLogBytes the most a job's log file may grow on this PC
     */
    /** @return the image id the archive names, to be compared with the job's image on this PC once it is here */
    static String check(byte[] dump, String image, long maxLogBytes) throws ArchiveRefusedException {
        Map<String, Object> config = DumpJson.parse(ENTRY, dump, Set.of("labels", "spec", "idMappingsOptions"));
        for (Map.Entry<String, Object> field : config.entrySet()) {
            String key = field.getKey();
            if (UNSET.contains(key) || !FREE.contains(key)) {
                if (!DumpJson.unset(field.getValue())) {
                    throw refused((UNSET.contains(key) ? "sets " : "sets a field this PC does not know, ") + key);
                }
            }
        }
        String named = DumpJson.text(config, "rootfsImageName");
        if (!ImageNames.same(named, image)) {
            throw refused("names the image " + (named.isEmpty() ? "(none)" : named) + ", the job's is " + image);
        }
        String raw = DumpJson.text(config, "RawImageName");
        if (!raw.isEmpty() && !ImageNames.same(raw, image)) {
            throw refused("names the image " + raw + ", the job's is " + image);
        }
        // podman keeps its shm directories here, one more after every restore (the source's stays in the list), and
        // unmounts them all when the container is cleaned up: anything else would unmount a path of this PC. The
        // restoring agent empties the list anyway (podman adds the new shm directory).
        for (Object mount : DumpJson.list(config, "mounts")) {
            if (!(mount instanceof String path) || !path.startsWith("/") || !path.endsWith("/userdata/shm")
                    || ContainerPaths.clean(path).map(clean -> !("/" + clean).equals(path)).orElse(true)) {
                throw refused("mounts " + mount);
            }
        }
        // SELinux labels: what podman gives a container (container_t), never another domain (spc_t is unconfined).
        String process = DumpJson.text(config, "ProcessLabel");
        if (!process.isEmpty() && !process.contains(":container_t:")) {
            throw refused("runs the job under the SELinux label " + process);
        }
        String files = DumpJson.text(config, "MountLabel");
        if (!files.isEmpty() && !files.contains(":container_file_t:")) {
            throw refused("labels the job's files " + files);
        }
        String mode = DumpJson.text(config, "cgroupsMode");
        if (!mode.isEmpty() && !mode.equals("enabled")) {
            throw refused("runs outside this PC's cgroup limits (cgroupsMode " + mode + ")");
        }
        String network = DumpJson.text(config, "networkMode");
        if (!network.isEmpty() && !network.equals("none")) {
            throw refused("asks for the network " + network);
        }
        String driver = DumpJson.text(config, "logDriver");
        if (!driver.equals("k8s-file")) {
            throw refused("logs through " + (driver.isEmpty() ? "(no driver)" : driver) + ", not a capped file");
        }
        if (!(DumpJson.get(config, "logSize") instanceof Long size) || size <= 0 || size > maxLogBytes) {
            throw refused("lets its log grow to " + DumpJson.get(config, "logSize") + " bytes, more than " + maxLogBytes);
        }
        return DumpJson.text(config, "rootfsImageID");
    }

    private static ArchiveRefusedException refused(String why) {
        return new ArchiveRefusedException(ENTRY + " " + why);
    }
}
