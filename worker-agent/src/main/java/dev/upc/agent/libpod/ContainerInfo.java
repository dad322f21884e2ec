package dev.upc.agent.libpod;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The part of libpod's inspect the agent uses.
 *
 * @param status       libpod's state word: created, running, paused, exited, stopped, …
 * @param checkpointed true after a checkpoint that stopped the container
 * @param restored     true for a container that came back from a checkpoint
 * @param cgroupParent the cgroup its own cgroup was made under (podman's default when it was not set)
 * @param cgroupPath   its own cgroup while it runs (e.g. {@code /upc/<name>/libpod-<id>}), empty otherwise
 * @param startedAt    when it last started or was restored; null before that
 * @param finishedAt   when it last stopped; null before that
 * @param checkpointPath where its kept dump is, once checkpointed; empty otherwise
 * @param upperDir     the directory of its writable layer with podman's overlay storage; empty with another driver
 */
public record ContainerInfo(String id, String name, String image, Map<String, String> labels, String status,
                            boolean running, long pid, int exitCode, boolean checkpointed, boolean restored,
                            String cgroupParent, String cgroupPath, Instant startedAt, Instant finishedAt,
                            String checkpointPath, String upperDir) {

    public ContainerInfo {
        labels = Map.copyOf(labels == null ? Map.of() : labels);
    }

    /** How long it ran up to its last stop, or empty when it is running or either time is unknown. */
    public Optional<Duration> lastRun() {
        if (running || startedAt == null || finishedAt == null || finishedAt.isBefore(startedAt)) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(startedAt, finishedAt));
    }
}
