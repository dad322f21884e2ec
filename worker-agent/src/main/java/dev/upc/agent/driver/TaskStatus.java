package dev.upc.agent.driver;

import java.time.Duration;

/**
 * A task's state.
 *
 * @param state      where it is in its life
 * @param suspended  its CPU is held near zero ({@link TaskDriver#suspend})
 * @param exitCode   its last exit code (0 while it runs)
 * @param cpuSeconds the CPU time it used, where the driver can tell exactly; null otherwise
 * @param lastRun    how long it ran up to its last stop, or null while it runs or when unknown
 */
public record TaskStatus(State state, boolean suspended, int exitCode, Double cpuSeconds, Duration lastRun) {

    public enum State {
        /** Made, never started. */
        CREATED,
        RUNNING,
        /** Stopped by a {@link CheckpointMode#STOP} checkpoint: its dump can bring it back in place. */
        CHECKPOINTED,
        /** Stopped for any other reason. */
        EXITED
    }

    public boolean running() {
        return state == State.RUNNING;
    }

    public boolean checkpointed() {
        return state == State.CHECKPOINTED;
    }
}
