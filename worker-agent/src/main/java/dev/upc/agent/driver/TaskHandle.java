package dev.upc.agent.driver;

import java.util.regex.Pattern;

/** Names one task on this PC: its container's name, {@code upc-<job>-<epoch>} for a job's. */
public record TaskHandle(String name) {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

    public TaskHandle {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a valid task name: " + name);
        }
    }

    public static TaskHandle of(String name) {
        return new TaskHandle(name);
    }

    @Override
    public String toString() {
        return name;
    }
}
