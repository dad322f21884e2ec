package dev.upc.agent.facts;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What the PC itself tells about itself at registration; the Podman side (versions, OCI runtime,
 * cgroup version) comes from libpod's {@code info} instead.
 *
 * @param machineId   stable identity of the PC: {@code /etc/machine-id}, or an id the agent generated once
 * @param hostname    for humans
 * @param cores       logical CPUs online
 * @param memoryMiB   physical memory ({@code MemTotal})
 * @param cpuModel    e.g. {@code Intel(R) Xeon(R) Processor}; null where the kernel does not name it
 * @param cpuFlags    feature flags present on every CPU, sorted
 * @param arch        Go/Podman naming: {@code amd64}, {@code arm64}, ...
 * @param criuVersion e.g. {@code 4.1.1}
 */
public record MachineFacts(String machineId, String hostname, int cores, long memoryMiB, String cpuModel,
                           SortedSet<String> cpuFlags, String arch, String criuVersion) {

    public MachineFacts {
        requireText(machineId, "machineId");
        requireText(hostname, "hostname");
        requireText(arch, "arch");
        requireText(criuVersion, "criuVersion");
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be at least 1: " + cores);
        }
        if (memoryMiB < 1) {
            throw new IllegalArgumentException("memoryMiB must be at least 1: " + memoryMiB);
        }
        cpuFlags = Collections.unmodifiableSortedSet(new TreeSet<>(Objects.requireNonNull(cpuFlags, "cpuFlags")));
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
