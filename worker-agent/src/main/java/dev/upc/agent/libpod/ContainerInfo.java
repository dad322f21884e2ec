package dev.upc.agent.libpod;

import java.util.Map;

/**
 * The part of libpod's inspect the agent uses.
 *
 * @param status       libpod's state word: created, running, paused, exited, stopped, …
 * @param checkpointed true after a checkpoint that stopped the container
 * @param restored     true for a container that came back from a checkpoint
 * @param cgroupParent the cgroup its own cgroup was made under (podman's default when it was not set)
 */
public record ContainerInfo(String id, String name, String image, Map<String, String> labels, String status,
                            boolean running, long pid, int exitCode, boolean checkpointed, boolean restored,
                            String cgroupParent) {

    public ContainerInfo {
        labels = Map.copyOf(labels == null ? Map.of() : labels);
    }
}
