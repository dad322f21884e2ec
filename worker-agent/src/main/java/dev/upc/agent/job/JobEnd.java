package dev.upc.agent.job;

import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.StoreClient;
import dev.upc.agent.driver.TaskDriver;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskStatus;
import dev.upc.agent.libpod.ArchiveStream;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.JobOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The end of a job on this PC: a watched container stopped, and no command took it down. Its log is shipped to the end,
 * its output goes to the store, EXITED is queued for the command that made the container, and the container goes.
 */
final class JobEnd {

    private static final Logger LOG = Logger.getLogger(JobEnd.class);
    /** How long an exit waits for the container's log to reach the scheduler before EXITED is reported anyway. */
    private static final Duration LOG_SHIPPED_LIMIT = Duration.ofSeconds(10);

    private final TaskDriver driver;
    private final LibpodClient libpod;
    private final StoreClient store;
    private final BlobTokens tokens;
    private final AgentState state;
    private final ExitWatch exits;
    private final LogShipper logs;
    private final TakenDown takenDown;
    private final Function<String, Object> locks;
    private final Function<String, Optional<String>> stopReasons;

    /**
     * @param locks       the lock of each container's commands, which an exit takes too
     * @param stopReasons why the agent itself stopped a container, if it did (taken once)
     */
    JobEnd(TaskDriver driver, LibpodClient libpod, StoreClient store, BlobTokens tokens, AgentState state,
           ExitWatch exits, LogShipper logs, TakenDown takenDown, Function<String, Object> locks,
           Function<String, Optional<String>> stopReasons) {
        this.stopReasons = stopReasons;
        this.driver = driver;
        this.libpod = libpod;
        this.store = store;
        this.tokens = tokens;
        this.state = state;
        this.exits = exits;
        this.logs = logs;
        this.takenDown = takenDown;
        this.locks = locks;
    }

    /**
     * A watched container stopped. Unless a command took it down (checkpoint, KILL, CLEANUP), the job ended: ship its
     * log to the end, keep its log tail and output in the store, report EXITED for the command that made the
     * container, remove it. EXITED goes after the log: whoever sees the job end can read all it printed.
     */
    void exited(String name) {
        synchronized (locks.apply(name)) {
            if (takenDown.contains(name)) {
                return;
            }
            Optional<ManagedContainer> known = state.container(name);
            if (known.isEmpty()) {
                return; // removed meanwhile
            }
            ManagedContainer container = known.get();
            Optional<TaskStatus> found = driver.inspect(TaskHandle.of(name));
            if (found.isEmpty()) {
                LOG.warnf("container=%s of job=%s vanished (removed outside UPC?)", name, container.jobId());
                awaitLog(container);
                state.queue(Events.exited(container.commandId(), container.jobId(), container.epoch(), -1,
                        exits.cpuSeconds(name), null, null, stopReasons.apply(name).orElse(null)));
                state.forget(name);
                exits.forget(name);
                logs.release(name);
                return;
            }
            TaskStatus info = found.get();
            if (info.running()) {
                exits.watch(name); // restored in place meanwhile: keep watching
                return;
            }
            if (info.checkpointed()) {
                return; // stopped by a checkpoint: not the end; a CLEANUP or a restore follows
            }
            // exact where the driver counts it (the job's own cgroup parent), else the last reading
            Double cpuSeconds = info.cpuSeconds() != null ? info.cpuSeconds() : exits.cpuSeconds(name);
            awaitLog(container);
            String outputBlobId = collectOutput(container);
            String stopped = stopReasons.apply(name).orElse(null);
            AgentEvent event = Events.exited(container.commandId(), container.jobId(), container.epoch(),
                    info.exitCode(), cpuSeconds, outputBlobId, info.lastRun(), stopped);
            state.queue(event);
            LOG.infof("container=%s job=%s epoch=%d exited code=%d cpuSeconds=%s output=%s%s", name,
                    container.jobId(), container.epoch(), info.exitCode(), event.cpuSeconds(), outputBlobId,
                    stopped == null ? "" : " (" + stopped + ")");
            takenDown.killQuietly(name, null);
            state.forget(name);
            exits.forget(name);
            logs.release(name);
        }
    }

    /**
     * Has the container's log read to its end and shipped, waiting a bounded time: an unreachable scheduler must not
     * hold back the job's end (nor the commands about this container) for long.
     */
    private void awaitLog(ManagedContainer container) {
        logs.finish(container.name());
        long started = System.nanoTime();
        if (!logs.awaitShipped(container.name(), LOG_SHIPPED_LIMIT)) {
            LOG.warnf("container=%s job=%s epoch=%d: its log did not reach the scheduler within %d s; reporting the"
                    + " exit anyway (the rest follows if it can)", container.name(), container.jobId(),
                    container.epoch(), LOG_SHIPPED_LIMIT.toSeconds());
        } else {
            LOG.debugf("container=%s: log shipped to the end in %d ms", container.name(),
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /**
     * The output directory into the store (the log went to the scheduler while the job ran); returns the output blob
     * id, or null. Failures only logged.
     */
    private String collectOutput(ManagedContainer c) {
        if (c.outputPath() == null) {
            return null;
        }
        String outputId = JobOutput.blobId(c.jobId(), c.epoch());
        try (ArchiveStream archive = libpod.copyOut(c.name(), c.outputPath())) {
            putOutput(outputId, archive, -1);
            return outputId;
        } catch (IOException | RuntimeException e) {
            LOG.warnf("container=%s: output %s not stored: %s", c.name(), c.outputPath(), Failures.describe(e));
            return null;
        }
    }

    private void putOutput(String id, java.io.InputStream content, long length) {
        String token = tokens.token(BlobKind.OUTPUTS, id, BlobCapability.WRITE);
        try {
            store.put(BlobKind.OUTPUTS, id, token, content, length);
        } catch (ControlPlaneException e) {
            if (e.status() != 409) { // 409: stored by an earlier attempt
                throw e;
            }
        }
    }
}
