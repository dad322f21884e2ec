package dev.upc.agent.lifecycle;

import dev.upc.agent.driver.CheckpointMode;
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
 * back to a job behind its back.
 */
final class RelievingDriver implements TaskDriver {

    private final TaskDriver base;
    private final OwnerRelief relief;

    RelievingDriver(TaskDriver base, OwnerRelief relief) {
        this.base = base;
        this.relief = relief;
    }

    @Override
    public void create(TaskConfig config) {
        base.create(config);
    }

    @Override
    public void start(TaskHandle task) {
        base.start(task);
        relief.running(task);
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
        relief.running(task);
        return restored;
    }

    @Override
    public void restoreInPlace(TaskHandle task) {
        base.restoreInPlace(task);
        relief.running(task);
    }

    @Override
    public void rename(TaskHandle task, TaskHandle newName) {
        base.rename(task, newName);
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
}
