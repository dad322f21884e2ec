package dev.upc.agent.driver;

/** What a checkpoint does to its task. */
public enum CheckpointMode {
    /** A move's or an eviction's: the task stops, and its dump stays until the task is removed. */
    STOP,
    /** A periodic one: the task runs on. */
    LEAVE_RUNNING
}
