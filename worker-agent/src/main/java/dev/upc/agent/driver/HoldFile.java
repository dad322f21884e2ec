package dev.upc.agent.driver;

import java.nio.file.Path;

/**
 * How to hold a running task with no runtime and no agent: write {@code content} to {@code file} (its cgroup's freezer),
 * and {@code release} to let it run again. What a process that outlives the agent does for the agent's jobs when the
 * agent dies; the tasks of {@code file}'s directory are listed in its {@code cgroup.procs}.
 */
public record HoldFile(Path file, String content, String release) {
}
