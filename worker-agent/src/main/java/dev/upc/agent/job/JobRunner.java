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
import dev.upc.agent.libpod.ArchiveStream;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.LibpodException;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ImageArchive;
import dev.upc.protocol.JobOutput;
import dev.upc.protocol.JobSubmission;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Carries out the scheduler's commands on this PC: the tasks' life through the {@link TaskDriver}, images, input and
 * output files through libpod, archives streamed between the driver and the store.
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
    /** How long an exit waits for the container's log to reach the scheduler before EXITED is reported anyway. */
    private static final Duration LOG_SHIPPED_LIMIT = Duration.ofSeconds(10);

    private final TaskDriver driver;
    private final LibpodClient libpod;
    private final StoreClient store;
    private final BlobTokens tokens;
    private final AgentState state;
    private final Limits limits;
    private final ExitWatch exits;
    private final LogShipper logs;
    private final InputFiles inputs;
    private final ArchiveImport imports;
    private final Prefetches prefetches;
    private final boolean pullImages;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Containers a KILL, CLEANUP or checkpoint is taking down: their exit is not the job's end. */
    private final Set<String> leaving = ConcurrentHashMap.newKeySet();

    public JobRunner(TaskDriver driver, LibpodClient libpod, StoreClient store, BlobTokens tokens, AgentState state,
                     Limits limits, ExitWatch exits, LogShipper logs, boolean pullImages) {
        this.driver = driver;
        this.libpod = libpod;
        this.store = store;
        this.tokens = tokens;
        this.state = state;
        this.limits = limits;
        this.exits = exits;
        this.logs = logs;
        this.inputs = new InputFiles(libpod, store, tokens, Clock.systemUTC());
        this.imports = new ArchiveImport(driver);
        this.prefetches = Prefetches.of(store, imports);
        this.pullImages = pullImages;
        exits.onExit(this::exited);
    }

    /**
     * What a PC gives each job: up to {@code cores} of its lent cores, each for {@code share} of the time (BOINC's "use
     * at most N % of CPU time").
     */
    public record Limits(int cores, double share, long memoryMiB) {

        double cpusFor(JobSubmission job) {
            return Math.max(0.01, Math.min(job.cpus(), cores) * share);
        }

        long quotaMicros(double cpus) {
            return forTask(cpus, null).cpuQuotaMicros();
        }

        TaskLimits forTask(double cpus, JobSubmission job) {
            return TaskLimits.of(cpus, job == null ? null : job.memoryMiB() * MIB);
        }
    }

    /** Carries out one command and returns the events that report it. Never throws for a failed command. */
    public List<AgentEvent> execute(AgentCommand command) {
        String name = command.containerName() != null ? command.containerName()
                : AgentCommand.containerName(command.jobId(), command.epoch());
        synchronized (locks.computeIfAbsent(name, n -> new Object())) {
            long started = System.nanoTime();
            try {
                List<AgentEvent> events = switch (command.type()) {
                    case RUN -> run(command, name);
                    case CHECKPOINT -> checkpoint(command, name);
                    case RESTORE -> restore(command, name);
                    case PREFETCH -> prefetch(command, name);
                    case KILL, CLEANUP -> remove(command, name);
                };
                LOG.infof("command=%s type=%s job=%s epoch=%d container=%s outcome=%s ms=%d", command.commandId(),
                        command.type(), command.jobId(), command.epoch(), name, events.get(0).type(),
                        (System.nanoTime() - started) / 1_000_000);
                return events;
            } catch (RuntimeException e) {
                LOG.warnf(e, "command=%s type=%s job=%s epoch=%d container=%s failed", command.commandId(),
                        command.type(), command.jobId(), command.epoch(), name);
                return List.of(Events.failed(command, describe(e)));
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
            removeQuietly(name, null);
        }
        Duration image = ensureImage(job.image());
        TaskConfig config = new TaskConfig(task, job.image(), job.command(), job.env(),
                Map.of(LABEL_JOB, c.jobId(), LABEL_EPOCH, Long.toString(c.epoch()), LABEL_COMMAND, c.commandId()),
                limits.forTask(cpus, job));
        state.remember(managed(c, name, job, cpus));
        try {
            driver.create(config);
            inputs.copyInto(name, job.inputs());
            driver.start(task);
        } catch (RuntimeException e) {
            removeQuietly(name, e);
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
            String reason = "checkpoint of " + name + " failed: " + describe(e);
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
            return "; bringing the job back on this PC failed too: " + describe(e);
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

    // ---- RESTORE --------------------------------------------------------------------------------------------------

    private List<AgentEvent> restore(AgentCommand c, String name) {
        JobSubmission job = require(c.job(), c, "a RESTORE without a job spec");
        String blobId = require(c.blobId(), c, "a RESTORE without a blob id");
        String token = require(c.capabilityToken(), c, "a RESTORE without a capability token");
        double cpus = limits.cpusFor(job);
        Optional<TaskStatus> before = driver.inspect(TaskHandle.of(name));
        if (before.isPresent()) {
            if (before.get().running()) {
                state.remember(managed(c, name, job, cpus));
                exits.watch(name);
                logs.follow(name, c.jobId(), c.epoch());
                return List.of(Events.restored(c, Duration.ZERO, Duration.ZERO, Duration.ZERO));
            }
            removeQuietly(name, null); // a half-done earlier attempt: start over
        }
        Optional<List<AgentEvent>> inPlace = restoreOwnDump(c, name, blobId, job, cpus);
        if (inPlace.isPresent()) {
            return inPlace.get();
        }
        state.remember(managed(c, name, job, cpus));
        ArchiveImport.Result result;
        long since; // the downtime's share of the download and the image starts here
        try {
            Optional<Prefetches.Staged> staged = prefetches.claim(name, blobId);
            Optional<ArchiveImport.Result> prefetched = staged.isPresent() ? staged.get().await() : Optional.empty();
            if (prefetched.isPresent()) {
                result = prefetched.get();
                since = staged.get().claimedAtNanos();
                LOG.infof("container=%s restored from its prefetch of %s; %d ms of the transfer were left at the "
                        + "RESTORE", name, blobId, result.downloadSince(since).toMillis());
            } else {
                // Sent chunked: the download fails instead of ending when its sha256 is wrong, so libpod never sees
                // the end of a damaged archive and restores nothing.
                try (StoreClient.Download download = store.get(BlobKind.CHECKPOINTS, blobId, token)) {
                    result = imports.restore(download, name, limits.quotaMicros(cpus), imageLoaded(job.image()),
                            CompletableFuture.completedFuture(null), null);
                }
                since = result.startedNanos();
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            state.forget(name);
            return List.of(Events.failed(c, "restore of " + blobId + " as " + name + " failed: " + describe(e)));
        }
        exits.watch(name);
        logs.follow(name, c.jobId(), c.epoch()); // the restored log begins with the lines the checkpoint carried
        return List.of(Events.restored(c, result.imageSince(since), result.downloadSince(since),
                result.report().restored()));
    }

    /**
     * Starts staging a migration's checkpoint while its source uploads it (see {@link Prefetches}); answered at once.
     * A re-delivery, or one for a container this PC already has, changes nothing.
     */
    private List<AgentEvent> prefetch(AgentCommand c, String name) {
        JobSubmission job = require(c.job(), c, "a PREFETCH without a job spec");
        String blobId = require(c.blobId(), c, "a PREFETCH without a blob id");
        String token = require(c.capabilityToken(), c, "a PREFETCH without a capability token");
        if (driver.inspect(TaskHandle.of(name)).isEmpty()) {
            prefetches.start(name, blobId, token, limits.quotaMicros(limits.cpusFor(job)), imageLoaded(job.image()));
        }
        return List.of(Events.accepted(c));
    }

    /**
     * The job's image, loaded beside the checkpoint's download when this PC lacks it (see {@link HeldEnd}); the
     * result is how long the loading took.
     */
    private CompletableFuture<Duration> imageLoaded(String image) {
        if (libpod.imageExists(image)) {
            return CompletableFuture.completedFuture(Duration.ZERO);
        }
        CompletableFuture<Duration> loaded = new CompletableFuture<>();
        Thread loader = new Thread(() -> {
            try {
                loaded.complete(ensureImage(image));
            } catch (RuntimeException e) {
                loaded.completeExceptionally(e);
            }
        }, "upc-image-" + image);
        loader.setDaemon(true);
        loader.start();
        return loaded;
    }

    /**
     * A restore of a blob this PC dumped itself and still holds (the source of a migration whose restore failed
     * elsewhere): rename the kept container to the new epoch's name and restore it from its own dump. No transfer,
     * and no dependence on the archive's copy in the store. Empty when that is not the case or it fails.
     */
    private Optional<List<AgentEvent>> restoreOwnDump(AgentCommand c, String name, String blobId, JobSubmission job,
                                                      double cpus) {
        Optional<ManagedContainer> kept = state.containers().values().stream()
                .filter(m -> m.jobId().equals(c.jobId()) && blobId.equals(m.dumpBlobId()) && !m.name().equals(name))
                .findFirst();
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        ManagedContainer source = kept.get();
        long started = System.nanoTime();
        boolean renamed = false;
        try {
            Optional<TaskStatus> info = driver.inspect(TaskHandle.of(source.name()));
            if (info.isEmpty() || !info.get().checkpointed()) {
                return Optional.empty();
            }
            leaving.add(source.name());
            try {
                driver.rename(TaskHandle.of(source.name()), TaskHandle.of(name));
                renamed = true;
            } finally {
                leaving.remove(source.name());
            }
            state.remember(source.renamed(name, c.epoch(), c.commandId()));
            state.forget(source.name());
            exits.forget(source.name());
            logs.release(source.name());
            driver.restoreInPlace(TaskHandle.of(name));
        } catch (RuntimeException e) {
            LOG.warnf("container=%s: restoring its own dump as %s failed (%s); restoring from the store instead",
                    source.name(), name, describe(e));
            if (renamed) {
                undoRename(source, name);
            }
            return Optional.empty();
        }
        applyLimits(name, job, cpus);
        exits.watch(name);
        logs.follow(name, c.jobId(), c.epoch());
        Duration restore = Duration.ofNanos(System.nanoTime() - started);
        LOG.infof("container=%s restored in place from its own dump of %s as %s in %d ms", source.name(), blobId, name,
                restore.toMillis());
        return Optional.of(List.of(Events.restored(c, Duration.ZERO, Duration.ZERO, restore)));
    }

    /** Gives the kept container its old name back, so the new epoch's name is free for a restore from the store. */
    private void undoRename(ManagedContainer source, String name) {
        try {
            driver.rename(TaskHandle.of(name), TaskHandle.of(source.name()));
            state.remember(source);
            state.forget(name);
        } catch (RuntimeException e) {
            LOG.warnf("container=%s: could not take back its name %s (%s); removing it", name, source.name(),
                    describe(e));
            removeQuietly(name, null);
            state.forget(name);
        }
    }

    private void applyLimits(String name, JobSubmission job, double cpus) {
        try {
            driver.limit(TaskHandle.of(name), limits.forTask(cpus, job));
        } catch (RuntimeException e) {
            LOG.warnf(e, "container=%s restored, but this PC's limits could not be applied", name);
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

    // ---- the end of a job -----------------------------------------------------------------------------------------

    /**
     * A watched container stopped. Unless a command took it down (checkpoint, KILL, CLEANUP), the job ended: ship its
     * log to the end, keep its log tail and output in the store, report EXITED for the command that made the
     * container, remove it. EXITED goes after the log: whoever sees the job end can read all it printed.
     */
    void exited(String name) {
        synchronized (locks.computeIfAbsent(name, n -> new Object())) {
            if (leaving.contains(name)) {
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
                        exits.cpuSeconds(name), null, null));
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
            AgentEvent event = Events.exited(container.commandId(), container.jobId(), container.epoch(),
                    info.exitCode(), cpuSeconds, outputBlobId, info.lastRun());
            state.queue(event);
            LOG.infof("container=%s job=%s epoch=%d exited code=%d cpuSeconds=%s output=%s", name, container.jobId(),
                    container.epoch(), info.exitCode(), event.cpuSeconds(), outputBlobId);
            removeQuietly(name, null);
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
            LOG.warnf("container=%s: output %s not stored: %s", c.name(), c.outputPath(), describe(e));
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

    // ---- images ---------------------------------------------------------------------------------------------------

    /**
     * The image must be here before create or restore: from the store (keeps the image id), else pulled.
     *
     * @return how long bringing it here took, zero when it was here
     */
    private Duration ensureImage(String image) {
        if (libpod.imageExists(image)) {
            return Duration.ZERO;
        }
        long begun = System.nanoTime();
        String blobId = ImageArchive.blobId(image);
        try {
            String token = tokens.token(BlobKind.IMAGES, blobId, BlobCapability.READ);
            try (StoreClient.Download archive = store.get(BlobKind.IMAGES, blobId, token)) {
                long started = System.nanoTime();
                List<String> loaded = libpod.loadImage(archive, -1);
                if (!loaded.isEmpty() && !libpod.imageExists(image)) {
                    // An archive pushed under another name than it was saved with (upc images push --from-archive):
                    // the store's name is the one jobs use; the image, and its id, stay the archive's.
                    libpod.tag(loaded.get(0), image);
                }
                LOG.infof("image=%s loaded from the store (images/%s, %d MiB) in %d ms", image, blobId,
                        archive.length() / MIB, (System.nanoTime() - started) / 1_000_000);
                return Duration.ofNanos(System.nanoTime() - begun);
            }
        } catch (ControlPlaneException e) {
            if (e.status() != 404 || !pullImages) {
                throw new IllegalStateException("image " + image + " is not on this PC and could not be loaded from"
                        + " the store (images/" + blobId + "): " + e.getMessage()
                        + (pullImages ? "" : "; pulling from registries is off (upc.agent.pull-images)"), e);
            }
        } catch (IOException e) {
            throw new IllegalStateException("loading image " + image + " from the store failed: " + e.getMessage(), e);
        }
        LOG.infof("image=%s not in the store: pulling it", image);
        libpod.pull(image);
        return Duration.ofNanos(System.nanoTime() - begun);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static ManagedContainer managed(AgentCommand c, String name, JobSubmission job, double cpus) {
        return new ManagedContainer(name, c.jobId(), c.epoch(), c.commandId(), job.outputPath(), cpus,
                job.memoryMiB(), null);
    }

    /** Removes the task with all it held; failures are logged, or added to {@code failure}. */
    private void removeQuietly(String name, RuntimeException failure) {
        leaving.add(name);
        try {
            driver.kill(TaskHandle.of(name));
        } catch (RuntimeException e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                LOG.warnf("container=%s could not be removed: %s", name, describe(e));
            }
        } finally {
            leaving.remove(name);
        }
    }

    private static <T> T require(T value, AgentCommand c, String what) {
        if (value == null) {
            throw new IllegalArgumentException("command " + c.commandId() + " is " + what);
        }
        return value;
    }

    private static String describe(TaskStatus status) {
        return status.state().name().toLowerCase(java.util.Locale.ROOT);
    }

    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
            if (cause instanceof LibpodException) {
                break;
            }
        }
        return text.toString();
    }
}
