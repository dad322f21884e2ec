package dev.upc.agent.driver;

import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the agent does to a job's task on this PC, whatever runs it: the seam between command handling and the
 * container runtime, in the manner of Nomad's task drivers. {@link LibpodDriver} runs tasks as podman containers
 * through libpod's REST API; the agent's unit tests use a fake that passes the same contract test.
 *
 * <p>Every operation names its task by its {@link TaskHandle}; a task that does not exist is
 * {@link TaskNotFoundException}, except for {@link #inspect} (empty) and {@link #kill} (nothing to do). Failures of
 * the runtime are {@link TaskDriverException}s.
 */
public interface TaskDriver {

    /** Creates the task without starting it, so that files can be put into it first. */
    void create(TaskConfig config);

    void start(TaskHandle task);

    /** The task's state now; empty when there is no such task. */
    Optional<TaskStatus> inspect(TaskHandle task);

    /**
     * Dumps the task and streams the archive out. A {@link CheckpointMode#STOP} stops it and keeps the dump, so that
     * {@link #restoreInPlace} can bring it back if the archive never reaches its destination; a
     * {@link CheckpointMode#LEAVE_RUNNING} leaves it running. A suspended task is dumped as it is and stays suspended
     * if it runs on.
     */
    TaskArchive checkpoint(TaskHandle task, CheckpointMode mode);

    /**
     * Restores a task from an archive of {@link #checkpoint}, streamed in, as {@code task} of {@code image} under
     * this PC's {@code limits} (the archive's are the source PC's). The archive is untrusted: a driver restores only
     * what it would have created for a task of that image. When the stream fails
     * before its end nothing is created; after its end, a task that could not be restored is not left behind.
     */
    Restored restore(InputStream archive, TaskHandle task, String image, TaskLimits limits);

    /** Restores a task stopped by a {@link CheckpointMode#STOP} checkpoint from the dump it kept. */
    void restoreInPlace(TaskHandle task);

    /** Gives a task another name (a kept task taking its new epoch's name). */
    void rename(TaskHandle task, TaskHandle newName);

    /** Sets the task's CPU and memory limits, running or not. */
    void limit(TaskHandle task, TaskLimits limits);

    /**
     * Stops a running task's CPU use at once, for an owner who came back, keeping it checkpointable (podman refuses
     * to checkpoint a container it paused itself, so the libpod driver freezes its cgroup behind podman's back).
     * {@link #resume} lets it run again.
     *
     * @return false when the task does not run (nothing to hold)
     */
    boolean suspend(TaskHandle task);

    /** Gives a suspended task its limits back. */
    void resume(TaskHandle task, TaskLimits limits);

    /**
     * The file whose write holds the running task as {@link #suspend} does, without this driver or its runtime: what
     * is left to do when the agent itself is gone. A task held that way reads as suspended and {@link #resume} frees
     * it.
     *
     * @return empty when the task does not run, or this driver holds tasks no such way
     */
    Optional<HoldFile> holdFile(TaskHandle task);

    /**
     * How many bytes the task wrote to its own file system (its writable layer), counted no further than just past
     * {@code countTo}; empty when this driver cannot tell (a storage without a layer of the task's own).
     */
    OptionalLong writtenBytes(TaskHandle task, long countTo);

    /**
     * Kills the task's processes at once and leaves the stopped task, so that its end is handled as any job's end
     * (its log, its output, its exit code).
     */
    void stop(TaskHandle task);

    /**
     * Kills the task at once and removes it with everything it held on the PC.
     *
     * @return false when there was no such task
     */
    boolean kill(TaskHandle task);
}
