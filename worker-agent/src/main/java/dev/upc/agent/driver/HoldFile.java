package dev.upc.agent.driver;

import java.nio.file.Path;

/**
 * How to hold a running task with no runtime and no agent: write {@code content} to {@code file} (its cgroup's freezer).
 * What a process that outlives the agent does for the agent's jobs when the agent dies.
 */
public record HoldFile(Path file, String content) {
}
