package dev.upc.agent.job;

import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.StoreClient;
import dev.upc.agent.driver.CheckpointMode;
import dev.upc.agent.driver.TaskArchive;
import dev.upc.agent.driver.TaskConfig;
import dev.upc.agent.driver.TaskDriver;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskLimits;
import dev.upc.agent.driver.TaskNotFoundException;
import dev.upc.agent.driver.TaskStatus;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventType;
import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.JobSubmission;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Carries out the scheduler's commands on this PC: RUN and CHECKPOINT here, RESTORE and PREFETCH in {@link Restores},
 * KILL and CLEANUP; a job's end (its container stopped on its own) in {@link JobEnd}; images through
 * {@link JobImages}. Tasks live through the {@link TaskDriver}; archives stream between the driver and the store.
 * Every command is idempotent: carried out again (after an agent crash, or a re-delivery) it finds what the first
 * attempt did and finishes the job rather than doing it twice. Commands about one container run one at a time.
 */
public final class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);
    /** Labels of every job container: the agent finds its containers by {@link #LABEL_JOB} after a restart. */
    public static final String LABEL_JOB = "upc.job";
    public static final String LABEL_EPOCH = "upc.epoch";
    public static final String LABEL_COMMAND = "upc.command";
    private static final long MIB = 1024L * 1024;

    private final TaskDriver driver;
    private final StoreClient store;
    private final AgentState state;
    private final Limits limits;
    private final ExitWatch exits;
    private final LogShipper logs;
    private final InputFiles inputs;
    private final Prefetches prefetches;
    private final JobImages images;
    private final Restores restores;
    private final JobEnd ends;
    private final DiskWatch disk;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final TakenDown leaving;
    /** The share the jobs here were given, guarded by {@code this}. */
    private double share;

    public JobRunner(TaskDriver driver, LibpodClient libpod, StoreClient store, BlobTokens tokens, AgentState state,
                     Limits limits, ExitWatch exits, LogShipper logs, boolean pullImages) {
        this.driver = driver;
        this.store = store;
        this.state = state;
        this.limits = limits;
        this.share = limits.share().getAsDouble();
        this.exits = exits;
        this.logs = logs;
        this.inputs = new InputFiles(libpod, store, tokens, Clock.systemUTC());
        ArchiveImport imports = new ArchiveImport(driver);
        this.prefetches = Prefetches.of(store, imports);
        this.images = new JobImages(libpod, store, tokens, pullImages);
        this.leaving = new TakenDown(driver);
        this.restores = new Restores(driver, store, state, limits, exits, logs, imports, prefetches, images, leaving);
        this.disk = new DiskWatch(driver, state, exits::watching, this::lock, limits.diskMiB() * MIB);
        this.ends = new JobEnd(driver, libpod, store, tokens, state, exits, logs, leaving, this::lock,
                disk::takeReason);
        exits.onExit(ends::exited);
    }

    /**
     * What a PC gives each job: up to {@code cores} of its lent cores, each for {@code share} of the time (BOINC's "use
     * at most N % of CPU time"; the owner may change it at run time, see {@link #recap}), and at most {@code diskMiB}
     * written to its own file system (0: no limit; see {@link DiskWatch}).
     */
    public record Limits(int cores, java.util.function.DoubleSupplier share, long memoryMiB, long diskMiB) {

        /** No limit on what a job writes to disk. */
        public Limits(int cores, java.util.function.DoubleSupplier share, long memoryMiB) {
            this(cores, share, memoryMiB, 0);
        }

        /** A fixed share, 0.01 to 1. */
        public static Limits fixed(int cores, double share, long memoryMiB) {
            return new Limits(cores, () -> share, memoryMiB);
        }

        double cpusFor(JobSubmission job) {
            return cpus(Math.min(job.cpus(), cores), share.getAsDouble());
        }

        static double cpus(double cores, double share) {
            return Math.max(0.01, cores * share);
        }

        long quotaMicros(double cpus) {
            return forTask(cpus, null).cpuQuotaMicros();
        }

        TaskLimits forTask(double cpus, JobSubmission job) {
            return TaskLimits.of(cpus, job == null ? null : job.memoryMiB() * MIB);
        }
    }

    /**
     * The owner changed the CPU cap: every job here gets its part of the new share at once, between its commands. A
     * job held for the owner stays held (the relieving driver holds it again) and resumes with its new part. A RUN or
     * RESTORE under way as the cap changes may keep the old share until the next change.
     */
    public void recap() {
        double after = limits.share().getAsDouble();
        double before;
        synchronized (this) {
            before = share;
            share = after;
        }
        if (before == after) {
            return;
        }
        for (ManagedContainer c : state.containers().values()) {
            synchronized (lock(c.name())) {
                Optional<ManagedContainer> now = state.container(c.name());
                if (now.isEmpty()) {
                    continue; // ended meanwhile
                }
                double cpus = Limits.cpus(now.get().cpus() / before, after);
                state.remember(now.get().withCpus(cpus));
                try {
                    driver.limit(TaskHandle.of(c.name()), TaskLimits.of(cpus, null));
                    LOG.infof("container=%s: CPU cap now %.0f %%, %.2f CPUs", c.name(), after * 100, cpus);
                } catch (TaskNotFoundException e) {
                    // gone between its commands: its end is reported by the exit watch
                } catch (RuntimeException e) {
                    LOG.warnf("container=%s: cannot apply the new CPU cap: %s", c.name(), Failures.describe(e));
                }
            }
        }
    }

    /**
     * Measures what each running job wrote to disk every {@code interval} from now on, and stops one past its limit
     * (what it asked for, at most what the PC lends).
     */
    public void watchDisk(Duration interval) {
        disk.start(interval);
    }

    /** The lock of a container's commands (and its exit). */
    private Object lock(String name) {
        return locks.computeIfAbsent(name, n -> new Object());
    }

    /** Carries out one command and returns the events that report it. Never throws for a failed command. */
    public List<AgentEvent> execute(AgentCommand command) {
        String name = command.containerName() != null ? command.containerName()
                : AgentCommand.containerName(command.jobId(), command.epoch());
        synchronized (lock(name)) {
            long started = System.nanoTime();
            try {
                List<AgentEvent> events = switch (command.type()) {
                    case RUN -> run(command, name);
                    case CHECKPOINT -> checkpoint(command, name);
                    case RESTORE -> restores.restore(command, name);
                    case PREFETCH -> restores.prefetch(command, name);
                    case KILL, CLEANUP -> remove(command, name);
                };
                AgentEvent outcome = events.get(0);
                LOG.infof("command=%s type=%s job=%s epoch=%d container=%s outcome=%s ms=%d%s", command.commandId(),
                        command.type(), command.jobId(), command.epoch(), name, outcome.type(),
                        (System.nanoTime() - started) / 1_000_000,
                        outcome.type() == AgentEventType.FAILED ? " reason=" + outcome.reason() : "");
                return events;
            } catch (RuntimeException e) {
                LOG.warnf(e, "command=%s type=%s job=%s epoch=%d container=%s failed", command.commandId(),
                        command.type(), command.jobId(), command.epoch(), name);
                return List.of(Events.failed(command, Failures.describe(e)));
            }
        }
    }

    /**
     * Re-attaches to a container found at start: watch it again, and take a finished one through the exit path. Its
     * log is shipped again from the first line (the scheduler keeps only what it lacks), unless it is a checkpoint's
     * kept dump, whose log went with the checkpoint.
     */
    public void adopt(ManagedContainer container, boolean running) {
        exits.watch(container.name());
        if (running || container.dumpBlobId() == null && !checkpointed(container.name())) {
            logs.follow(container.name(), container.jobId(), container.epoch());
        }
    }

    private boolean checkpointed(String name) {
        try {
            return driver.inspect(TaskHandle.of(name)).map(TaskStatus::checkpointed).orElse(true);
        } catch (RuntimeException e) {
            return true; // cannot tell: leave its log alone, as for a dump
        }
    }

    // ---- RUN ------------------------------------------------------------------------------------------------------

    private List<AgentEvent> run(AgentCommand c, String name) {
        JobSubmission job = require(c.job(), c, "a RUN without a job spec");
        double cpus = limits.cpusFor(job);
        prefetches.drop(name); // a restore staged under this name must not end as a second container
        TaskHandle task = TaskHandle.of(name);
        Optional<TaskStatus> before = driver.inspect(task);
        if (before.isPresent()) {
            if (before.get().state() != TaskStatus.State.CREATED) { // carried out before: the task is ours
                state.remember(managed(c, name, job, cpus));
                exits.watch(name);
                logs.follow(name, c.jobId(), c.epoch());
                return List.of(Events.started(c, Duration.ZERO));
            }
            // never started: an earlier attempt stopped before the start, perhaps halfway through the inputs
            leaving.killQuietly(name, null);
        }
        Duration image = images.ensure(job.image());
        TaskConfig config = new TaskConfig(task, job.image(), job.command(), job.env(),
                Map.of(LABEL_JOB, c.jobId(), LABEL_EPOCH, Long.toString(c.epoch()), LABEL_COMMAND, c.commandId()),
                limits.forTask(cpus, job));
        state.remember(managed(c, name, job, cpus));
        try {
            driver.create(config);
            inputs.copyInto(name, job.inputs());
            driver.start(task);
        } catch (RuntimeException e) {
            leaving.killQuietly(name, e);
            state.forget(name);
            throw e;
        }
        exits.watch(name);
        logs.follow(name, c.jobId(), c.epoch());
        return List.of(Events.started(c, image));
    }

    // ---- CHECKPOINT -----------------------------------------------------------------------------------------------

    private List<AgentEvent> checkpoint(AgentCommand c, String name) {
        String blobId = require(c.blobId(), c, "a CHECKPOINT without a blob id");
        String token = require(c.capabilityToken(), c, "a CHECKPOINT without a capability token");
        TaskHandle task = TaskHandle.of(name);
        TaskStatus info = driver.inspect(task).orElseThrow(() -> new TaskNotFoundException(task, null));
        // An earlier attempt may have uploaded it before the agent stopped, without reporting. A stopping checkpoint
        // that got that far left the container stopped: while it runs, the store need not be asked (a round trip off
        // every move's downtime). A periodic one leaves it running, so it always asks.
        Optional<BlobInfo> already = c.leaveRunning() || !info.running() ? existing(blobId, token) : Optional.empty();
        if (already.isPresent()) {
            return List.of(Events.checkpointed(c, already.get(), Duration.ZERO, Duration.ZERO, exits.cpuSeconds(name)));
        }
        if (info.checkpointed() && !info.running()) {
            // An earlier attempt dumped and stopped it, but the archive never reached the store: bring the job back
            // from the dump it kept, then checkpoint again.
            LOG.infof("container=%s was dumped but its archive is not in the store: restoring it in place first", name);
            driver.restoreInPlace(task);
            exits.watch(name);
            logs.follow(name, c.jobId(), c.epoch());
        } else if (!info.running()) {
            return List.of(Events.failed(c, "container " + name + " is " + describe(info) + ", not running"));
        }
        CheckpointMode mode = c.leaveRunning() ? CheckpointMode.LEAVE_RUNNING : CheckpointMode.STOP;
        // Where the driver counts it exactly (a file read), rather than libpod's stats, a round trip of 2-15 ms in
        // every downtime.
        Double cpuSeconds = info.cpuSeconds() != null ? info.cpuSeconds() : exits.cpuSecondsNow(name);
        long started = System.nanoTime();
        if (!c.leaveRunning()) {
            leaving.add(name);
        }
        BlobInfo blob;
        Duration dump;
        try (TaskArchive archive = driver.checkpoint(task, mode)) {
            dump = archive.dumpedAfter();
            // A stopping checkpoint is a move's (or an eviction's): its target may follow the upload (PREFETCH).
            blob = store.put(BlobKind.CHECKPOINTS, blobId, token, archive, -1, !c.leaveRunning());
        } catch (IOException | RuntimeException e) {
            String reason = "checkpoint of " + name + " failed: " + Failures.describe(e);
            return List.of(Events.failed(c, reason + resumeAfterFailedCheckpoint(c, name)));
        } finally {
            leaving.remove(name);
        }
        Duration total = Duration.ofNanos(System.nanoTime() - started);
        if (!c.leaveRunning()) {
            state.container(name).ifPresent(m -> state.remember(m.withDump(blobId)));
            logs.finish(name); // stopped for good here: its follow does not end by itself after a checkpoint
        }
        return List.of(Events.checkpointed(c, blob, dump, total.minus(dump), cpuSeconds));
    }

    /** After a failed checkpoint the job must run on here (the scheduler counts on it): restore a stopped one. */
    private String resumeAfterFailedCheckpoint(AgentCommand c, String name) {
        try {
            TaskHandle task = TaskHandle.of(name);
            Optional<TaskStatus> found = driver.inspect(task);
            if (found.isEmpty()) {
                return "; the container is gone";
            }
            TaskStatus after = found.get();
            if (after.running()) {
                return "; the job runs on here";
            }
            if (after.checkpointed()) {
                driver.restoreInPlace(task);
                exits.watch(name);
                logs.follow(name, c.jobId(), c.epoch()); // at work still, unless the agent restarted meanwhile
                return "; the job was restored in place from the dump it kept and runs on here";
            }
            return "; the container is " + describe(after);
        } catch (RuntimeException e) {
            LOG.errorf(e, "container=%s could not be brought back after a failed checkpoint", name);
            return "; bringing the job back on this PC failed too: " + Failures.describe(e);
        }
    }

    private Optional<BlobInfo> existing(String blobId, String token) {
        try {
            return store.head(BlobKind.CHECKPOINTS, blobId, token);
        } catch (ControlPlaneException e) {
            if (e.status() == 403) {
                return Optional.empty(); // a write-only capability cannot look: carry on
            }
            throw e;
        }
    }

    // ---- KILL and CLEANUP -----------------------------------------------------------------------------------------

    private List<AgentEvent> remove(AgentCommand c, String name) {
        logs.stop(name);
        leaving.add(name);
        try {
            driver.kill(TaskHandle.of(name));
        } finally {
            leaving.remove(name);
        }
        state.forget(name);
        exits.forget(name);
        return List.of(Events.gone(c));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    static ManagedContainer managed(AgentCommand c, String name, JobSubmission job, double cpus) {
        return new ManagedContainer(name, c.jobId(), c.epoch(), c.commandId(), job.outputPath(), cpus,
                job.memoryMiB(), null, job.diskMiB());
    }


    static <T> T require(T value, AgentCommand c, String what) {
        if (value == null) {
            throw new IllegalArgumentException("command " + c.commandId() + " is " + what);
        }
        return value;
    }

    private static String describe(TaskStatus status) {
        return status.state().name().toLowerCase(java.util.Locale.ROOT);
    }

}
