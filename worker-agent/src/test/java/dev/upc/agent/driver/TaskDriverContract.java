package dev.upc.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TaskDriver} does, as the agent relies on it. {@code FakeTaskDriverTest} runs it on the agent's
 * test fake, {@code LibpodDriverIT} (module e2e) on {@link LibpodDriver} with a real podman and CRIU, so that what the
 * agent's unit tests learn from the fake holds for podman too.
 */
public abstract class TaskDriverContract {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private final List<TaskHandle> made = new ArrayList<>();

    /** The driver under test. */
    protected abstract TaskDriver driver();

    /** A task that runs until killed and can be checkpointed. */
    protected abstract TaskConfig longRunning(TaskHandle handle);

    /** Called after a task started, before it is checkpointed (a real one has to get going). */
    protected void started(TaskHandle task) {
    }

    /** A fresh name for this test's task, removed after the test. */
    protected TaskHandle handle() {
        TaskHandle handle = TaskHandle.of("upc-contract-" + ProcessHandle.current().pid() + "-"
                + NAMES.incrementAndGet());
        made.add(handle);
        return handle;
    }

    protected TaskLimits limits() {
        return TaskLimits.of(0.5, 64L * 1024 * 1024);
    }

    @AfterEach
    void removeTasks() {
        for (TaskHandle handle : made) {
            try {
                driver().kill(handle);
            } catch (RuntimeException e) {
                // the test failed already, or the task is gone
            }
        }
    }

    private TaskHandle running() {
        TaskHandle task = handle();
        driver().create(longRunning(task));
        driver().start(task);
        started(task);
        return task;
    }

    private static byte[] drain(TaskArchive archive) throws IOException {
        try (archive) {
            return archive.readAllBytes();
        }
    }

    @Test
    void aCreatedTaskWaitsUntilStarted() {
        TaskHandle task = handle();
        driver().create(longRunning(task));

        assertThat(driver().inspect(task)).get().extracting(TaskStatus::state).isEqualTo(TaskStatus.State.CREATED);
        driver().start(task);
        assertThat(driver().inspect(task)).get().satisfies(status -> {
            assertThat(status.running()).isTrue();
            assertThat(status.suspended()).isFalse();
        });
    }

    @Test
    void aTaskThatDoesNotExistIsNotFound() {
        TaskHandle ghost = handle();

        assertThat(driver().inspect(ghost)).isEmpty();
        assertThat(driver().kill(ghost)).as("nothing to kill").isFalse();
        assertThatThrownBy(() -> driver().start(ghost)).isInstanceOf(TaskNotFoundException.class);
        assertThatThrownBy(() -> driver().suspend(ghost)).isInstanceOf(TaskNotFoundException.class);
        assertThatThrownBy(() -> driver().checkpoint(ghost, CheckpointMode.STOP))
                .isInstanceOf(TaskNotFoundException.class);
        assertThatThrownBy(() -> driver().rename(ghost, handle())).isInstanceOf(TaskNotFoundException.class);
    }

    @Test
    void suspendHoldsARunningTaskAndResumeFreesIt() {
        TaskHandle task = running();

        assertThat(driver().suspend(task)).isTrue();
        assertThat(driver().inspect(task)).get().satisfies(status -> {
            assertThat(status.running()).isTrue();
            assertThat(status.suspended()).isTrue();
        });
        driver().resume(task, limits());
        assertThat(driver().inspect(task)).get().satisfies(status -> {
            assertThat(status.running()).isTrue();
            assertThat(status.suspended()).isFalse();
        });
    }

    /** What a process left behind by a dead agent does: one write to the task's hold file, no runtime involved. */
    @Test
    void writingItsHoldFileHoldsARunningTaskAndResumeFreesIt() throws IOException {
        TaskHandle task = running();
        HoldFile hold = driver().holdFile(task).orElseThrow();

        java.nio.file.Files.writeString(hold.file(), hold.content());
        assertThat(driver().inspect(task)).get().satisfies(status -> {
            assertThat(status.running()).isTrue();
            assertThat(status.suspended()).isTrue();
        });
        driver().resume(task, limits());
        assertThat(driver().inspect(task)).get().satisfies(status -> assertThat(status.suspended()).isFalse());

        TaskHandle created = handle();
        driver().create(longRunning(created));
        assertThat(driver().holdFile(created)).as("nothing to hold before it runs").isEmpty();
    }

    @Test
    void stopEndsTheTaskAndLeavesItsEndToBeHandled() throws InterruptedException {
        TaskHandle task = running();

        driver().stop(task);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (driver().inspect(task).orElseThrow().running() && System.nanoTime() < deadline) {
            Thread.sleep(50); // podman's kill returns before the process is gone
        }
        assertThat(driver().inspect(task)).get().satisfies(status -> {
            assertThat(status.state()).isEqualTo(TaskStatus.State.EXITED);
            assertThat(status.exitCode()).as("SIGKILL").isEqualTo(137);
        });
    }

    @Test
    void aTaskThatWroteNothingHasWrittenLittle() {
        TaskHandle task = running();

        assertThat(driver().writtenBytes(task, Long.MAX_VALUE).orElseThrow()).isBetween(0L, 1024L * 1024);
        assertThatThrownBy(() -> driver().writtenBytes(handle(), Long.MAX_VALUE))
                .isInstanceOf(TaskNotFoundException.class);
    }

    @Test
    void aTaskThatDoesNotRunHasNothingToSuspend() {
        TaskHandle task = handle();
        driver().create(longRunning(task));

        assertThat(driver().suspend(task)).isFalse();
    }

    @Test
    void aStoppingCheckpointKeepsTheDumpToRestoreInPlace() throws IOException {
        TaskHandle task = running();

        byte[] archive = drain(driver().checkpoint(task, CheckpointMode.STOP));

        assertThat(archive).isNotEmpty();
        assertThat(driver().inspect(task)).get().extracting(TaskStatus::state)
                .isEqualTo(TaskStatus.State.CHECKPOINTED);
        driver().restoreInPlace(task);
        assertThat(driver().inspect(task)).get().extracting(TaskStatus::running).isEqualTo(true);
    }

    @Test
    void aSuspendedTaskIsCheckpointedAndStaysSuspendedWhenLeftRunning() throws IOException {
        TaskHandle task = running();
        driver().suspend(task);

        assertThat(drain(driver().checkpoint(task, CheckpointMode.LEAVE_RUNNING))).isNotEmpty();

        assertThat(driver().inspect(task)).get().satisfies(status -> {
            assertThat(status.running()).isTrue();
            assertThat(status.suspended()).as("held again after the dump").isTrue();
        });
    }

    @Test
    void anArchiveRestoresAsAnotherTaskRunningFreely() throws IOException {
        TaskHandle source = running();
        driver().suspend(source);
        byte[] archive = drain(driver().checkpoint(source, CheckpointMode.STOP));
        TaskHandle target = handle();

        Restored restored = driver().restore(new ByteArrayInputStream(archive), target, longRunning(target).image(),
                limits());

        assertThat(restored.archiveBytes()).isEqualTo(archive.length);
        assertThat(driver().inspect(target)).get().satisfies(status -> {
            assertThat(status.running()).isTrue();
            assertThat(status.suspended()).as("a restore runs under the limits it is given").isFalse();
        });
    }

    @Test
    void aBrokenArchiveIsRefusedAndLeavesNoTask() {
        TaskHandle target = handle();
        InputStream garbage = new ByteArrayInputStream("not an archive at all".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> driver().restore(garbage, target, longRunning(target).image(), limits()))
                .isInstanceOf(RuntimeException.class);
        assertThat(driver().inspect(target)).isEmpty();
    }

    @Test
    void renameMovesTheTaskToItsNewName() {
        TaskHandle task = running();
        TaskHandle renamed = handle();

        driver().rename(task, renamed);

        assertThat(driver().inspect(task)).isEmpty();
        assertThat(driver().inspect(renamed)).get().extracting(TaskStatus::running).isEqualTo(true);
    }

    @Test
    void killRemovesTheTaskOnce() {
        TaskHandle task = running();

        assertThat(driver().kill(task)).isTrue();

        assertThat(driver().inspect(task)).isEmpty();
        assertThat(driver().kill(task)).isFalse();
    }
}
