package dev.upc.agent.driver;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A task to create: confined by the driver (no network, no new privileges, no host mounts, explicit rlimits), with
 * these limits.
 */
public record TaskConfig(TaskHandle handle, String image, List<String> command, Map<String, String> env,
                         Map<String, String> labels, TaskLimits limits) {

    public TaskConfig {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(limits, "limits");
        command = List.copyOf(command == null ? List.of() : command);
        env = Map.copyOf(env == null ? Map.of() : env);
        labels = Map.copyOf(labels == null ? Map.of() : labels);
    }
}
