package dev.upc.agent.driver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Tasks in memory, for the agent's unit tests: the states and rules of {@link TaskDriver} (it passes
 * {@link TaskDriverContract}, as {@link LibpodDriver} does with real podman), and a record of every call. An archive is
 * a short text naming its task and the CPU seconds it had; anything else is refused as a real runtime would refuse a
 * broken archive. Tests make the next call of an operation fail with {@link #failNext}.
 */
public final class FakeTaskDriver implements TaskDriver, AutoCloseable {

    private static final String MAGIC = "fake-task-archive ";

    /** One task: its state, whether held, its limits, and the CPU it has used. */
    public static final class Task {
        TaskStatus.State state = TaskStatus.State.CREATED;
        boolean suspended;
        TaskLimits limits;
        double cpuSeconds;
        long writtenBytes;
        int exitCode;
        final TaskConfig config;

        Task(TaskConfig config, TaskLimits limits) {
            this.config = config;
            this.limits = limits;
        }

        public TaskLimits limits() {
            return limits;
        }

        public TaskConfig config() {
            return config;
        }
    }

    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private final List<String> calls = new ArrayList<>();
    private final Map<String, RuntimeException> failures = new LinkedHashMap<>();
    /** Where the tasks' hold files are, made at the first {@link #holdFile}: a task whose file says FROZEN is held. */
    private Path holdDir;

    /** The next call of {@code operation} ("create", "checkpoint", …) throws {@code failure}. */
    public synchronized void failNext(String operation, RuntimeException failure) {
        failures.put(operation, failure);
    }

    /** Every call so far, as "operation name". */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    public synchronized Optional<Task> task(String name) {
        return Optional.ofNullable(tasks.get(name));
    }

    /** The task exits by itself with {@code code}, as a job that finished. */
    public synchronized void exit(String name, int code) {
        Task task = existing(TaskHandle.of(name));
        task.state = TaskStatus.State.EXITED;
        task.exitCode = code;
    }

    /** The task used {@code seconds} more CPU. */
    public synchronized void work(String name, double seconds) {
        existing(TaskHandle.of(name)).cpuSeconds += seconds;
    }

    @Override
    public synchronized void create(TaskConfig config) {
        call("create", config.handle());
        if (tasks.containsKey(config.handle().name())) {
            throw new TaskDriverException("a task named " + config.handle() + " exists", null);
        }
        tasks.put(config.handle().name(), new Task(config, config.limits()));
    }

    @Override
    public synchronized void start(TaskHandle task) {
        call("start", task);
        Task t = existing(task);
        if (t.state == TaskStatus.State.RUNNING) {
            return;
        }
        t.state = TaskStatus.State.RUNNING;
        t.exitCode = 0;
    }

    @Override
    public synchronized Optional<TaskStatus> inspect(TaskHandle task) {
        call("inspect", task);
        Task t = tasks.get(task.name());
        if (t != null) {
            readHoldFile(task.name(), t);
        }
        return t == null ? Optional.empty() : Optional.of(new TaskStatus(t.state,
                t.state == TaskStatus.State.RUNNING && t.suspended, t.exitCode, t.cpuSeconds,
                t.state == TaskStatus.State.RUNNING ? null : Duration.ofSeconds(1)));
    }

    @Override
    public synchronized TaskArchive checkpoint(TaskHandle task, CheckpointMode mode) {
        call("checkpoint", task);
        Task t = existing(task);
        if (t.state != TaskStatus.State.RUNNING) {
            throw new TaskDriverException("task " + task + " is not running", null);
        }
        if (mode == CheckpointMode.STOP) {
            t.state = TaskStatus.State.CHECKPOINTED;
            t.suspended = false;
        }
        byte[] bytes = (MAGIC + task.name() + " " + t.cpuSeconds).getBytes(StandardCharsets.UTF_8);
        return new TaskArchive(new ByteArrayInputStream(bytes), Duration.ofMillis(1));
    }

    @Override
    public Restored restore(InputStream archive, TaskHandle task, String image, TaskLimits limits) {
        String text;
        try {
            text = new String(archive.readAllBytes(), StandardCharsets.UTF_8); // outside the lock, as a slow upload
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (this) {
            call("restore", task);
            if (!text.startsWith(MAGIC)) {
                throw new TaskDriverException("not a checkpoint archive", null);
            }
            if (tasks.containsKey(task.name())) {
                throw new TaskDriverException("a task named " + task + " exists", null);
            }
            String[] parts = text.substring(MAGIC.length()).split(" ");
            Task source = tasks.get(parts[0]);
            Task restored = new Task(source == null ? null : source.config, limits);
            restored.state = TaskStatus.State.RUNNING;
            restored.cpuSeconds = Double.parseDouble(parts[1]);
            tasks.put(task.name(), restored);
            return new Restored(text.length(), Duration.ofMillis(1), Duration.ofMillis(1));
        }
    }

    @Override
    public synchronized void restoreInPlace(TaskHandle task) {
        call("restoreInPlace", task);
        Task t = existing(task);
        if (t.state != TaskStatus.State.CHECKPOINTED) {
            throw new TaskDriverException("task " + task + " has no kept dump", null);
        }
        t.state = TaskStatus.State.RUNNING;
    }

    @Override
    public synchronized void rename(TaskHandle task, TaskHandle newName) {
        call("rename", task);
        Task t = existing(task);
        if (tasks.containsKey(newName.name())) {
            throw new TaskDriverException("a task named " + newName + " exists", null);
        }
        tasks.remove(task.name());
        tasks.put(newName.name(), t);
    }

    @Override
    public synchronized void limit(TaskHandle task, TaskLimits limits) {
        call("limit", task);
        Task t = existing(task);
        t.limits = new TaskLimits(limits.cpuQuotaMicros(), limits.cpuPeriodMicros(),
                limits.memoryBytes() != null ? limits.memoryBytes() : t.limits.memoryBytes()); // null: unchanged
        t.suspended = false;
    }

    @Override
    public synchronized boolean suspend(TaskHandle task) {
        call("suspend", task);
        Task t = existing(task);
        if (t.state != TaskStatus.State.RUNNING) {
            return false;
        }
        t.suspended = true;
        return true;
    }

    @Override
    public synchronized Optional<HoldFile> holdFile(TaskHandle task) {
        call("holdFile", task);
        if (existing(task).state != TaskStatus.State.RUNNING) {
            return Optional.empty();
        }
        try {
            if (holdDir == null) {
                holdDir = Files.createTempDirectory("fake-task-holds");
            }
            return Optional.of(new HoldFile(holdDir.resolve(task.name()), "FROZEN", "THAWED"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A hold file written since: the task is held from now on, as its cgroup would be. */
    private void readHoldFile(String name, Task task) {
        if (holdDir == null) {
            return;
        }
        Path file = holdDir.resolve(name);
        try {
            if (Files.exists(file) && Files.readString(file).equals("FROZEN") && task.state == TaskStatus.State.RUNNING) {
                task.suspended = true;
            }
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the hold files' directory. */
    @Override
    public synchronized void close() throws IOException {
        if (holdDir != null) {
            try (var files = Files.list(holdDir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(holdDir);
            holdDir = null;
        }
    }

    @Override
    public synchronized void resume(TaskHandle task, TaskLimits limits) {
        call("resume", task);
        Task t = existing(task);
        readHoldFile(task.name(), t);
        t.suspended = false;
        t.limits = new TaskLimits(limits.cpuQuotaMicros(), limits.cpuPeriodMicros(), t.limits.memoryBytes());
    }

    /** The task wrote {@code bytes} more to its file system. */
    public synchronized void write(String name, long bytes) {
        existing(TaskHandle.of(name)).writtenBytes += bytes;
    }

    @Override
    public synchronized OptionalLong writtenBytes(TaskHandle task, long countTo) {
        call("writtenBytes", task);
        return OptionalLong.of(existing(task).writtenBytes);
    }

    @Override
    public synchronized void stop(TaskHandle task) {
        call("stop", task);
        Task t = existing(task);
        if (t.state == TaskStatus.State.RUNNING) {
            t.state = TaskStatus.State.EXITED;
            t.exitCode = 137;
        }
    }

    @Override
    public synchronized boolean kill(TaskHandle task) {
        call("kill", task);
        return tasks.remove(task.name()) != null;
    }

    private void call(String operation, TaskHandle task) {
        calls.add(operation + " " + task.name());
        RuntimeException failure = failures.remove(operation);
        if (failure != null) {
            throw failure;
        }
    }

    private Task existing(TaskHandle task) {
        Task t = tasks.get(task.name());
        if (t == null) {
            throw new TaskNotFoundException(task, null);
        }
        return t;
    }
}
