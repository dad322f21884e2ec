package dev.upc.agent.libpod;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the agent asks libpod to create. Always confined: no network unless asked, no new privileges,
 * explicit rlimits (podman's defaults fail with EPERM on these hosts), at most {@code maxProcesses} processes (the
 * pids cgroup: a fork bomb stays inside), logs in a file that travels with a checkpoint and stops growing at
 * {@link #MAX_LOG_BYTES} (conmon truncates it: a chatty job cannot fill the owner's disk; what was shipped to the
 * scheduler stays there).
 *
 * @param cpuQuotaMicros CPU time per {@code cpuPeriodMicros}; {@code null} for no CPU limit
 * @param memoryLimitBytes hard memory limit; {@code null} for none
 * @param cgroupParent the cgroup to make its own under; {@code null} for podman's default
 * @param userNamespace the user namespace to run in; {@code null} for none (the container's root is the host's)
 */
public record ContainerSpec(String name, String image, List<String> command, Map<String, String> env,
                            Map<String, String> labels, Long cpuQuotaMicros, long cpuPeriodMicros,
                            Long memoryLimitBytes, long maxOpenFiles, long maxProcesses, boolean network,
                            String cgroupParent, UserNamespace userNamespace) {

    public static final long DEFAULT_CPU_PERIOD_MICROS = 100_000;
    /** The longest a job's log file on the PC grows. */
    public static final long MAX_LOG_BYTES = 64L * 1024 * 1024;

    public ContainerSpec {
        LibpodClient.checkName(name);
        Objects.requireNonNull(image, "image");
        command = List.copyOf(command == null ? List.of() : command);
        env = Map.copyOf(env == null ? Map.of() : env);
        labels = Map.copyOf(labels == null ? Map.of() : labels);
        if (cpuQuotaMicros != null && cpuQuotaMicros < 1000) {
            throw new IllegalArgumentException("cpu quota must be at least 1000 µs, was " + cpuQuotaMicros);
        }
        if (memoryLimitBytes != null && memoryLimitBytes < 6 * 1024 * 1024) {
            throw new IllegalArgumentException("memory limit below 6 MiB: " + memoryLimitBytes);
        }
        if (maxOpenFiles < 16 || maxProcesses < 1) {
            throw new IllegalArgumentException("rlimits too small: nofile=" + maxOpenFiles + " nproc=" + maxProcesses);
        }
    }

    /** A confined container with 1024 open files and 1024 processes and no limits on CPU or memory. */
    public static ContainerSpec of(String name, String image, List<String> command) {
        return new ContainerSpec(name, image, command, Map.of(), Map.of(), null, DEFAULT_CPU_PERIOD_MICROS,
                null, 1024, 1024, false, null, null);
    }

    public ContainerSpec withLabels(Map<String, String> labels) {
        return new ContainerSpec(name, image, command, env, labels, cpuQuotaMicros, cpuPeriodMicros,
                memoryLimitBytes, maxOpenFiles, maxProcesses, network, cgroupParent, userNamespace);
    }

    /** Limits the container to {@code cpus} cores' worth of CPU time (e.g. 0.5). */
    public ContainerSpec withCpus(double cpus) {
        return new ContainerSpec(name, image, command, env, labels, Math.round(cpus * cpuPeriodMicros),
                cpuPeriodMicros, memoryLimitBytes, maxOpenFiles, maxProcesses, network, cgroupParent, userNamespace);
    }

    public ContainerSpec withMemoryLimit(long bytes) {
        return new ContainerSpec(name, image, command, env, labels, cpuQuotaMicros, cpuPeriodMicros, bytes,
                maxOpenFiles, maxProcesses, network, cgroupParent, userNamespace);
    }
}
