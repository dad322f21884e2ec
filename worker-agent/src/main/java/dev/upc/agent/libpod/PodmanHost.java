package dev.upc.agent.libpod;

/**
 * Facts about the Podman host that decide where a checkpoint may be restored.
 *
 * @param cgroupVersion {@code v1} or {@code v2}
 * @param cgroupManager {@code cgroupfs} or {@code systemd}
 */
public record PodmanHost(String podmanVersion, String apiVersion, String arch, int cpus, long memoryBytes,
                         String kernel, String cgroupVersion, String ociRuntime, String ociRuntimeVersion,
                         String hostname, String cgroupManager) {
}
