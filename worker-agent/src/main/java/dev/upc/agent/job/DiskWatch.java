package dev.upc.agent.job;

import dev.upc.agent.driver.TaskDriver;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskNotFoundException;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Keeps each job within the disk it asked for ({@code diskMiB}, HTCondor's {@code request_disk}) and the PC lends a job
 * ({@code upc.agent.job-disk-mib}), the way the kubelet enforces a pod's ephemeral-storage limit where the file system
 * has no project quotas (podman's overlay {@code size} option needs XFS ones, which ext4 PCs lack): every interval it
 * measures what each running job wrote to its own file system, and kills a job that wrote more. The job's end then
 * goes the usual way (its log, its output, EXITED with code 137), with the reason, so its owner reads why and the
 * scheduler retries or fails it as any failed exit.
 *
 * <p>The check takes the container's command lock before it kills, so a checkpoint under way is never cut short.
 * A job can write past the limit for up to one interval (the owner's disk is protected to within that).
 */
final class DiskWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DiskWatch.class);
    private static final long MIB = 1024L * 1024;

    private final TaskDriver driver;
    private final AgentState state;
    private final Predicate<String> running;
    private final Function<String, Object> locks;
    /** What the PC lends a job; 0 for no limit. */
    private final long pcLimitBytes;
    private final Map<String, String> reasons = new ConcurrentHashMap<>();
    private volatile boolean unmeasurable;
    private ScheduledExecutorService timer;

    /**
     * @param running whether a container is running (watched for its exit)
     * @param locks   the lock of each container's commands
     * @param pcLimitBytes the most the PC lets any job write; 0 for no limit but the jobs' own
     */
    DiskWatch(TaskDriver driver, AgentState state, Predicate<String> running, Function<String, Object> locks,
              long pcLimitBytes) {
        this.driver = driver;
        this.state = state;
        this.running = running;
        this.locks = locks;
        this.pcLimitBytes = pcLimitBytes;
    }

    /** Checks every {@code interval} from now on, on a thread of its own. */
    synchronized void start(Duration interval) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "upc-disk-watch");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round: every running job measured, those past the limit killed. */
    void check() {
        for (ManagedContainer container : state.containers().values()) {
            if (!running.test(container.name()) || reasons.containsKey(container.name())) {
                continue;
            }
            try {
                check(container);
            } catch (TaskNotFoundException e) {
                // ended meanwhile: its exit is handled by the exit watch
            } catch (RuntimeException e) {
                LOG.warnf("container=%s: cannot check what it wrote to disk: %s", container.name(),
                        Failures.describe(e));
            }
        }
    }

    private void check(ManagedContainer container) {
        long jobLimitBytes = container.diskMiB() * MIB;
        boolean byJob = jobLimitBytes > 0 && (pcLimitBytes == 0 || jobLimitBytes <= pcLimitBytes);
        long limitBytes = byJob ? jobLimitBytes : pcLimitBytes;
        if (limitBytes == 0) {
            return;
        }
        TaskHandle task = TaskHandle.of(container.name());
        OptionalLong written = driver.writtenBytes(task, limitBytes);
        if (written.isEmpty()) {
            if (!unmeasurable) {
                unmeasurable = true;
                LOG.warnf("the job containers' writable layers cannot be measured with this PC's podman storage (not"
                        + " overlay): upc.agent.job-disk-mib is not enforced");
            }
            return;
        }
        if (written.getAsLong() <= limitBytes) {
            return;
        }
        synchronized (locks.apply(container.name())) {
            Optional<ManagedContainer> now = state.container(container.name());
            if (now.isEmpty() || now.get().epoch() != container.epoch() || !running.test(container.name())) {
                return; // taken down or replaced while it was measured
            }
            String reason = "stopped by the PC's agent: wrote more than the " + limitBytes / MIB + " MiB of disk "
                    + (byJob ? "it asked for (diskMiB)" : "this PC lends a job (upc.agent.job-disk-mib)")
                    + ": at least " + written.getAsLong() / MIB + " MiB in its container's file system";
            reasons.put(container.name(), reason);
            LOG.warnf("container=%s job=%s epoch=%d: %s", container.name(), container.jobId(), container.epoch(),
                    reason);
            try {
                driver.stop(task);
            } catch (RuntimeException e) {
                reasons.remove(container.name());
                throw e;
            }
        }
    }

    /** Why the agent stopped this container, once: empty when it did not. */
    Optional<String> takeReason(String name) {
        return Optional.ofNullable(reasons.remove(name));
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
