package dev.upc.agent.lifecycle;

import dev.upc.agent.config.AgentSettings;
import dev.upc.agent.control.ControlPlane;
import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.WorkerSession;
import dev.upc.agent.job.ContainerNames;
import dev.upc.agent.job.ExitWatch;
import dev.upc.agent.job.JobRunner;
import dev.upc.agent.job.Staleness;
import dev.upc.agent.libpod.ContainerSummary;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.retry.Backoff;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventReply;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.BlobTokenRequest;
import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.HeartbeatReply;
import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobLogChunk;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerRegistered;
import dev.upc.protocol.WorkerRegistration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The running agent: registered with the registry, heartbeating, long-polling the scheduler for commands, carrying
 * them out and reporting back. Nothing here spins: the heartbeat is a timer, the poll blocks in the scheduler, the
 * event sender sleeps until there is something to send, and container exits arrive through libpod's wait.
 *
 * <p>Outages of the registry or the scheduler are waited out with backoff and jitter; commands are done once (the
 * state file remembers them) and their events are kept until the scheduler accepts them, so a restart of either side
 * neither loses nor repeats a job.
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Agent.class);
    private static final int COMMAND_THREADS = 4;
    private static final Duration RETRY_FIRST = Duration.ofMillis(500);
    private static final Duration RETRY_MAX = Duration.ofSeconds(30);
    /** A re-delivered command still being carried out is not news: wait this long for progress before polling again. */
    private static final Duration BUSY_PAUSE = Duration.ofSeconds(2);
    private static final long MIB = 1024L * 1024;

    private final AgentSettings settings;
    private volatile WorkerRegistration registration;
    private final AgentState state;
    private final LibpodClient libpod;
    private final ControlPlane control;
    private final ExitWatch exits;
    private final Clock clock;
    private final long processStartMillis;
    private JobRunner runner;

    private final ExecutorService commands = Executors.newFixedThreadPool(COMMAND_THREADS, named("upc-command"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(named("upc-heartbeat"));
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Object progress = new Object();
    /** Counts {@link #signalProgress()} calls (guarded by {@link #progress}): a wait starts from a count, not a moment. */
    private long progressCount;
    private final Object registering = new Object();
    private final List<Thread> loops = new ArrayList<>();

    private volatile Supplier<OwnerState> owner = () -> OwnerState.IDLE;
    private volatile WorkerSession session;
    private volatile Duration heartbeatInterval = Duration.ofSeconds(10);
    private volatile DesiredState desired = DesiredState.ACTIVE;
    private volatile boolean running = true;
    private volatile Instant lastHeartbeatAt;
    private volatile Instant lastPollAt;
    private volatile String lastError;
    private volatile Long startToRegisteredMillis;
    /** Set by {@link #beginRegistration}. */
    private java.util.concurrent.CompletableFuture<Void> firstRegistration;
    private ScheduledFuture<?> nextBeat;
    private final Backoff heartbeatBackoff = new Backoff(RETRY_FIRST, RETRY_MAX);
    /** When a heartbeat last listed the labelled containers; touched by the heartbeat timer only. */
    private Instant lastScanAt;

    public Agent(AgentSettings settings, WorkerRegistration registration, AgentState state, LibpodClient libpod,
                 ControlPlane control, ExitWatch exits, Clock clock, long processStartMillis) {
        this.settings = settings;
        this.registration = registration;
        this.state = state;
        this.libpod = libpod;
        this.control = control;
        this.exits = exits;
        this.clock = clock;
        this.processStartMillis = processStartMillis;
        state.onNewEvents(this::signalProgress);
    }

    /** The runner needs this agent for blob tokens, this agent needs the runner: set it before {@link #start}. */
    public void runner(JobRunner jobRunner) {
        this.runner = jobRunner;
    }

    public void ownerSource(Supplier<OwnerState> source) {
        this.owner = source;
    }

    /**
     * Registers (waiting out an unreachable registry), or waits for {@link #beginRegistration}'s registration,
     * re-attaches to the containers left from before, and starts the loops.
     *
     * @throws StartupCheckException when the registry refuses the join token or the registration itself
     */
    public void start() {
        if (firstRegistration == null) {
            registerFirst();
        } else {
            try {
                firstRegistration.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        reattach();
        scheduleHeartbeat(Duration.ZERO);
        loops.add(loop("upc-poll", this::pollLoop));
        loops.add(loop("upc-events", this::eventLoop));
    }

    // ---- registration ---------------------------------------------------------------------------------------------

    /**
     * Starts the first registration on a thread of its own, so that the rest of the start (job runner, owner watch,
     * local endpoint) is set up while the registry answers; {@link #start} waits for it and fails as it would have.
     */
    public void beginRegistration() {
        firstRegistration = java.util.concurrent.CompletableFuture.runAsync(this::registerFirst, task -> {
            Thread thread = new Thread(task, "upc-register");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private void registerFirst() {
        Backoff backoff = new Backoff(RETRY_FIRST, RETRY_MAX);
        while (running) {
            try {
                register();
                startToRegisteredMillis = System.currentTimeMillis() - processStartMillis;
                LOG.infof("registered worker=%s name=%s machine=%s score=%.3f jobCpus=%.2f jobMemoryMiB=%d in %d ms"
                                + " since start", session.workerId(), registration.hostname(), registration.machineId(),
                        registration.benchmarkScore(), settings.jobCpuShare(), settings.jobMemoryMiB(),
                        startToRegisteredMillis);
                return;
            } catch (ControlPlaneException e) {
                if (e.unauthorized()) {
                    throw new StartupCheckException("the registry at " + settings.registryUrl()
                            + " refused the join token: check upc.agent.join-token-file (" + e.getMessage() + ")", e);
                }
                if (!e.retryable()) {
                    throw new StartupCheckException("the registry rejected this PC's registration: " + e.getMessage(), e);
                }
                Duration wait = backoff.next();
                failure("registry not reachable (" + e.getMessage() + "); trying again in " + wait.toMillis() + " ms");
                sleep(wait);
            }
        }
    }

    private void register() {
        synchronized (registering) {
            WorkerRegistered answer = control.register(registration, settings.joinToken());
            session = new WorkerSession(answer.workerId(), answer.workerToken(), answer.tokenExpiresAt());
            heartbeatInterval = Duration.ofSeconds(Math.max(1, answer.heartbeatIntervalSeconds()));
            desired = answer.desiredState() == null ? DesiredState.ACTIVE : answer.desiredState();
            if (!answer.workerId().equals(state.workerId().orElse(null))) {
                state.workerId(answer.workerId());
            }
        }
    }

    /** New facts about this PC (e.g. podman was upgraded): register them; the worker id stays. */
    public void updateRegistration(WorkerRegistration updated) {
        synchronized (registering) {
            registration = updated;
            try {
                register();
            } catch (ControlPlaneException e) {
                failure("registering the new facts failed: " + e.getMessage() + "; they go with the next registration");
            }
        }
    }

    /** After a refused worker token (expired, or the worker was removed): register again, keeping the jobs. */
    private void reregister(WorkerSession refused) {
        synchronized (registering) {
            if (session != refused) {
                return; // another loop did it already
            }
            try {
                register();
                LOG.infof("registered again as worker=%s", session.workerId());
            } catch (ControlPlaneException e) {
                failure("registering again failed: " + e.getMessage());
            }
        }
    }

    private boolean tokenDueForRenewal(WorkerSession current) {
        if (current.expiresAt() == null) {
            return false;
        }
        return clock.instant().plus(Duration.ofMinutes(5)).isAfter(current.expiresAt());
    }

    // ---- re-attach ------------------------------------------------------------------------------------------------

    /** Containers from before this start: watch ours again, adopt labelled ones the state forgot, report vanished. */
    private void reattach() {
        Map<String, ManagedContainer> known = new HashMap<>(state.containers());
        for (ContainerSummary found : libpod.listByLabel(JobRunner.LABEL_JOB)) {
            String name = found.name().startsWith("/") ? found.name().substring(1) : found.name();
            ManagedContainer container = known.remove(name);
            if (container == null) {
                Optional<ContainerNames> parsed = ContainerNames.parse(name);
                if (parsed.isEmpty()) {
                    continue;
                }
                container = new ManagedContainer(name, parsed.get().jobId(), parsed.get().epoch(),
                        found.labels().getOrDefault(JobRunner.LABEL_COMMAND, "adopted-" + name), null, 1, 0, null);
                state.remember(container);
                LOG.infof("container=%s adopted (labelled, but not in the state file)", name);
            } else {
                LOG.infof("container=%s re-attached (%s)", name, found.state());
            }
            runner.adopt(container, "running".equals(found.state()));
        }
        for (ManagedContainer vanished : known.values()) {
            LOG.warnf("container=%s of job=%s vanished while the agent was down", vanished.name(), vanished.jobId());
            state.queue(dev.upc.agent.job.Events.exited(vanished.commandId(), vanished.jobId(), vanished.epoch(), -1,
                    null, null, null));
            state.forget(vanished.name());
        }
    }

    // ---- heartbeat ------------------------------------------------------------------------------------------------

    /** Sends a heartbeat now (e.g. the owner came back), then continues on the interval. */
    public void heartbeatNow() {
        scheduleHeartbeat(Duration.ZERO);
    }

    private synchronized void scheduleHeartbeat(Duration delay) {
        if (!running) {
            return;
        }
        if (nextBeat != null) {
            nextBeat.cancel(false);
        }
        nextBeat = timer.schedule(this::beat, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void beat() {
        Duration next = heartbeatInterval;
        WorkerSession current = session;
        try {
            if (tokenDueForRenewal(current)) {
                reregister(current);
                current = session;
            }
            HeartbeatReply reply = control.heartbeat(current, heartbeat());
            lastHeartbeatAt = clock.instant();
            heartbeatBackoff.reset();
            lastError = null;
            if (reply.desiredState() != desired) {
                LOG.infof("worker=%s desired state %s → %s", current.workerId(), desired, reply.desiredState());
                desired = reply.desiredState();
            }
            heartbeatInterval = Duration.ofSeconds(Math.max(1, reply.heartbeatIntervalSeconds()));
            next = heartbeatInterval;
        } catch (ControlPlaneException e) {
            if (e.unauthorized() || e.status() == 404) {
                reregister(current);
                next = Duration.ZERO.plusMillis(100);
            } else {
                Duration wait = heartbeatBackoff.next();
                next = wait.compareTo(heartbeatInterval) < 0 ? wait : heartbeatInterval;
                failure("heartbeat failed: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "heartbeat could not be built");
        } finally {
            scheduleHeartbeat(next);
        }
    }

    private Heartbeat heartbeat() {
        List<ContainerReport> reports = new ArrayList<>();
        double usedCpus = 0;
        long usedMemory = 0;
        Map<String, ManagedContainer> known = state.containers();
        for (ContainerSummary c : jobContainers(known)) {
            String name = c.name().startsWith("/") ? c.name().substring(1) : c.name();
            Optional<ContainerNames> parsed = ContainerNames.parse(name);
            if (parsed.isEmpty()) {
                continue;
            }
            boolean isRunning = "running".equals(c.state());
            long rssMiB = 0;
            if (isRunning) {
                try {
                    var stats = libpod.stats(name);
                    exits.sample(name, stats);
                    rssMiB = stats.memoryUsageBytes() / MIB;
                } catch (RuntimeException e) {
                    LOG.debugf("container=%s: no stats (%s)", name, e.getMessage());
                }
                ManagedContainer m = known.get(name);
                usedCpus += m == null ? 1 : m.cpus();
                usedMemory += m == null ? 0 : m.memoryMiB();
            }
            ManagedContainer mine = known.get(name);
            if (!isRunning && mine != null && mine.dumpBlobId() == null && !exits.watching(name)) {
                exits.watch(name); // a stop nobody saw (safety net): the exit handler decides what it was
            }
            Double cpu = exits.cpuSeconds(name);
            reports.add(new ContainerReport(parsed.get().jobId(), parsed.get().epoch(), c.state(),
                    cpu == null ? 0.0 : cpu, rssMiB, mine == null ? null : mine.cpus()));
        }
        return new Heartbeat(owner.get(), desired == DesiredState.DRAIN,
                Math.max(0, settings.jobCpuShare() - usedCpus), Math.max(0, settings.jobMemoryMiB() - usedMemory),
                loadAverage(), reports);
    }

    /**
     * The labelled containers from libpod, when this agent has any or the idle scan is due; with none, an empty
     * list, and podman is left alone (see {@code upc.agent.idle-scan-interval}).
     */
    private List<ContainerSummary> jobContainers(Map<String, ManagedContainer> known) {
        Instant now = clock.instant();
        if (known.isEmpty() && lastScanAt != null && now.isBefore(lastScanAt.plus(settings.idleScanInterval()))) {
            return List.of();
        }
        List<ContainerSummary> found = libpod.listByLabel(JobRunner.LABEL_JOB);
        lastScanAt = now;
        return found;
    }

    private static double loadAverage() {
        try {
            String text = Files.readString(Path.of("/proc/loadavg"));
            return Double.parseDouble(text.substring(0, text.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    // ---- commands -------------------------------------------------------------------------------------------------

    private void pollLoop() {
        Backoff backoff = new Backoff(RETRY_FIRST, RETRY_MAX);
        while (running) {
            WorkerSession current = session;
            long seen = progressSeen(); // progress during the poll must not be slept through after it
            try {
                List<AgentCommand> received = control.poll(current, settings.pollWait());
                lastPollAt = clock.instant();
                backoff.reset();
                int started = 0;
                for (AgentCommand command : received) {
                    started += dispatch(command) ? 1 : 0;
                }
                if (!received.isEmpty() && started == 0) {
                    awaitProgress(seen, BUSY_PAUSE); // only re-deliveries of work in hand: do not spin on them
                }
            } catch (ControlPlaneException e) {
                if (e.unauthorized() || e.status() == 403) {
                    reregister(current);
                    sleep(backoff.next());
                } else {
                    Duration wait = backoff.next();
                    failure("command poll failed (" + e.getMessage() + "); again in " + wait.toMillis() + " ms");
                    sleep(wait);
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "command poll failed unexpectedly");
                sleep(backoff.next());
            }
        }
    }

    /** Starts a command unless it is done or under way. Returns whether it started. */
    private boolean dispatch(AgentCommand command) {
        if (state.handled(command.commandId()) || !inFlight.add(command.commandId())) {
            return false;
        }
        Optional<String> stale = Staleness.of(command, state.containers().values());
        if (stale.isPresent()) {
            LOG.warnf("command=%s refused: %s", command.commandId(), stale.get());
            state.done(command.commandId(), List.of(dev.upc.agent.job.Events.failed(command, stale.get())));
            inFlight.remove(command.commandId());
            signalProgress();
            return true;
        }
        commands.execute(() -> {
            try {
                List<AgentEvent> events = runner.execute(command);
                state.done(command.commandId(), events);
            } finally {
                inFlight.remove(command.commandId());
                signalProgress();
            }
        });
        return true;
    }

    // ---- events ---------------------------------------------------------------------------------------------------

    private void eventLoop() {
        Backoff backoff = new Backoff(RETRY_FIRST, RETRY_MAX);
        while (running) {
            long seen = progressSeen();
            Optional<AgentEvent> next = state.nextEvent();
            if (next.isEmpty()) {
                awaitProgress(seen, Duration.ofSeconds(30));
                continue;
            }
            AgentEvent event = next.get();
            WorkerSession current = session;
            try {
                AgentEventReply reply = control.report(current, event);
                state.delivered(event);
                signalProgress(); // its command is acknowledged now: the poll stops re-delivering it
                backoff.reset();
                LOG.debugf("event=%s command=%s job=%s epoch=%d outcome=%s", event.type(), event.commandId(),
                        event.jobId(), event.epoch(), reply.outcome());
                reply.commands().forEach(this::dispatch);
            } catch (ControlPlaneException e) {
                if (e.unauthorized() || e.status() == 403) {
                    reregister(current);
                    sleep(backoff.next());
                } else if (e.retryable()) {
                    Duration wait = backoff.next();
                    failure("reporting " + event.type() + " of job " + event.jobId() + " failed (" + e.getMessage()
                            + "); again in " + wait.toMillis() + " ms");
                    sleep(wait);
                } else {
                    LOG.errorf("event=%s command=%s job=%s dropped: the scheduler refused it for good: %s",
                            event.type(), event.commandId(), event.jobId(), e.getMessage());
                    state.delivered(event);
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "reporting an event failed unexpectedly");
                sleep(backoff.next());
            }
        }
    }

    /** A store capability for the job's image or output, from the scheduler. */
    public String blobToken(BlobKind kind, String id, String operation) {
        WorkerSession current = session;
        try {
            return control.blobToken(current, new BlobTokenRequest(kind, id, operation)).token();
        } catch (ControlPlaneException e) {
            if (e.unauthorized()) {
                reregister(current);
                return control.blobToken(session, new BlobTokenRequest(kind, id, operation)).token();
            }
            throw e;
        }
    }

    /** Ships lines of a job's container to the scheduler (the {@link dev.upc.agent.job.LogSink} of this agent). */
    public JobLogAck shipLogs(JobLogChunk chunk) {
        WorkerSession current = session;
        if (current == null) {
            throw new ControlPlaneException("not registered yet: no worker token to ship logs with", 0, null, null);
        }
        try {
            return control.shipLogs(current, chunk);
        } catch (ControlPlaneException e) {
            if (e.unauthorized()) {
                reregister(current);
                return control.shipLogs(session, chunk);
            }
            throw e;
        }
    }

    // ---- status and shutdown --------------------------------------------------------------------------------------

    public AgentStatus status() {
        List<AgentStatus.Container> containers = new ArrayList<>();
        for (ManagedContainer c : state.containers().values()) {
            containers.add(new AgentStatus.Container(c.name(), c.jobId(), c.epoch(),
                    exits.watching(c.name()) ? "running" : "stopped", exits.cpuSeconds(c.name())));
        }
        WorkerSession current = session;
        return new AgentStatus(current == null ? state.workerId().orElse(null) : current.workerId(), current != null,
                desired, owner.get(), registration.benchmarkScore(), settings.jobCpuShare(), containers,
                state.pendingEvents(), inFlight.size(), lastHeartbeatAt, lastPollAt, lastError, startToRegisteredMillis);
    }

    /** Ready: registered and the last heartbeat went through. */
    public boolean ready() {
        return session != null && lastHeartbeatAt != null && lastError == null;
    }

    @Override
    public void close() {
        running = false;
        synchronized (this) {
            if (nextBeat != null) {
                nextBeat.cancel(false);
            }
        }
        timer.shutdownNow();
        loops.forEach(Thread::interrupt);
        signalProgress();
        commands.shutdown();
        try {
            if (!commands.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("commands still running at shutdown; they are taken up again at the next start");
                commands.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exits.close();
        LOG.info("agent stopped; job containers keep running");
    }

    // ---- plumbing -------------------------------------------------------------------------------------------------

    private void failure(String message) {
        if (!message.equals(lastError)) {
            LOG.warn(message);
        }
        lastError = message;
    }

    private void signalProgress() {
        synchronized (progress) {
            progressCount++;
            progress.notifyAll();
        }
    }

    private long progressSeen() {
        synchronized (progress) {
            return progressCount;
        }
    }

    /**
     * Waits until progress was signalled since {@code seen} was read, or {@code limit} passed. Counting, rather than
     * waiting for the next signal, means progress that came between the read and the wait is not missed: a command
     * done (and acknowledged) while the poll still returned it used to leave the poll loop asleep for the whole pause
     * while the next command waited (about 2 s between one job's end and the next job's start on a PC).
     */
    private void awaitProgress(long seen, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (progress) {
            while (progressCount == seen && running) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                try {
                    progress.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Thread loop(String name, Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s stopped", name);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
