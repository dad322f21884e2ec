package dev.upc.agent.lifecycle;

import dev.upc.agent.driver.CheckpointMode;
import dev.upc.agent.driver.HoldFile;
import dev.upc.agent.driver.Restored;
import dev.upc.agent.driver.TaskArchive;
import dev.upc.agent.driver.TaskConfig;
import dev.upc.agent.driver.TaskDriver;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskLimits;
import dev.upc.agent.driver.TaskStatus;
import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The driver the job runner uses: every task that begins to run here while the owner is at the PC (a RUN, a RESTORE,
 * a rollback of a failed move) is held at once by the {@link OwnerRelief}, so no command can give the owner's CPU
 * back to a job behind its back; and it is listed for the {@link ExitHold}, to be held should this agent die.
 */
final class RelievingDriver implements TaskDriver {

    private final TaskDriver base;
    private final OwnerRelief relief;
    private final ExitHold exitHold;

    RelievingDriver(TaskDriver base, OwnerRelief relief, ExitHold exitHold) {
        this.base = base;
        this.relief = relief;
        this.exitHold = exitHold;
    }

    @Override
    public void create(TaskConfig config) {
        base.create(config);
    }

    @Override
    public void start(TaskHandle task) {
        base.start(task);
        began(task);
    }

    @Override
    public Optional<TaskStatus> inspect(TaskHandle task) {
        return base.inspect(task);
    }

    @Override
    public TaskArchive checkpoint(TaskHandle task, CheckpointMode mode) {
        return relief.dumping(task, () -> base.checkpoint(task, mode));
    }

    @Override
    public Restored restore(InputStream archive, TaskHandle task, String image, TaskLimits limits) {
        Restored restored = base.restore(archive, task, image, limits);
        began(task);
        return restored;
    }

    @Override
    public void restoreInPlace(TaskHandle task) {
        base.restoreInPlace(task);
        began(task);
    }

    @Override
    public void rename(TaskHandle task, TaskHandle newName) {
        base.rename(task, newName);
        exitHold.changed();
    }

    @Override
    public void limit(TaskHandle task, TaskLimits limits) {
        base.limit(task, limits);
        relief.running(task);
    }

    @Override
    public boolean suspend(TaskHandle task) {
        return base.suspend(task);
    }

    @Override
    public Optional<HoldFile> holdFile(TaskHandle task) {
        return base.holdFile(task);
    }

    @Override
    public void resume(TaskHandle task, TaskLimits limits) {
        base.resume(task, limits);
    }

    @Override
    public OptionalLong writtenBytes(TaskHandle task, long countTo) {
        return base.writtenBytes(task, countTo);
    }

    @Override
    public void stop(TaskHandle task) {
        base.stop(task);
    }

    @Override
    public boolean kill(TaskHandle task) {
        return base.kill(task);
    }

    /** A task began to run here: held if the owner is at the PC, and listed to be held if this agent dies. */
    private void began(TaskHandle task) {
        relief.running(task);
        exitHold.changed();
    }
}
