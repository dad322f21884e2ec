package dev.upc.agent.lifecycle;

import dev.upc.agent.config.AgentSettings;
import dev.upc.agent.control.ControlPlane;
import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.WorkerSession;
import dev.upc.agent.driver.TaskDriver;
import dev.upc.agent.job.ExitWatch;
import dev.upc.agent.job.JobRunner;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.owner.AgentWork;
import dev.upc.agent.owner.CpuCap;
import dev.upc.agent.retry.Backoff;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.BlobTokenRequest;
import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobLogChunk;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerRegistration;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The running agent, put together from its parts: the {@link Enrolment} with the registry, the {@link Heartbeats},
 * the {@link CommandLoop} that long-polls the scheduler and carries commands out, and the {@link EventOutbox} that
 * reports back. Nothing spins: the heartbeat is a timer, the poll blocks in the scheduler, the outbox sleeps until
 * there is something to send, and container exits arrive through libpod's wait.
 *
 * <p>Every part follows one rule when a call fails ({@link CallFailure}): a refused credential registers again, an
 * outage is waited out with backoff and jitter, a refusal is final. Commands are done once (the state file remembers
 * them) and their events are kept until the scheduler has them, so a restart of either side neither loses nor repeats
 * a job.
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Agent.class);
    private static final int COMMAND_THREADS = 4;
    private static final Duration RETRY_FIRST = Duration.ofMillis(500);
    private static final Duration RETRY_MAX = Duration.ofSeconds(30);
    private static final Duration EXIT_HOLD_REFRESH = Duration.ofSeconds(5);
    /** How long an announced sleep keeps the jobs held if the PC does not go to sleep after all. */
    private static final Duration SLEEP_ANNOUNCEMENT = Duration.ofMinutes(2);

    private final AgentSettings settings;
    private final AgentState state;
    private final LibpodClient libpod;
    private final ExitWatch exits;
    private final long processStartMillis;
    private final Troubles troubles = new Troubles();
    private final Progress progress = new Progress();
    private final ExecutorService commandThreads = Executors.newFixedThreadPool(COMMAND_THREADS, named("upc-command"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(named("upc-heartbeat"));
    private final List<Thread> loops = new ArrayList<>();
    private final JobReports reports;
    private final Enrolment enrolment;
    private final Heartbeats heartbeats;
    private final ControlPlane control;
    private final Clock clock;
    private final CpuCap cap;
    private JobRunner runner;
    private CommandLoop commands;
    private OwnerRelief relief;
    /** Holds the jobs should this agent die; with {@link #relief}. */
    private ExitHold exitHold;
    private final AgentWork work = new AgentWork();
    private final Lease lease;
    private final SleepWatch sleep;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private final ScheduledExecutorService leaseCheck = Executors.newSingleThreadScheduledExecutor(named("upc-lease"));
    private volatile Long startToRegisteredMillis;
    /** Set by {@link #beginRegistration}. */
    private CompletableFuture<Void> firstRegistration;

    public Agent(AgentSettings settings, WorkerRegistration registration, AgentState state, LibpodClient libpod,
                 ControlPlane control, ExitWatch exits, CpuCap cap, Clock clock, long processStartMillis) {
        this.settings = settings;
        this.cap = cap;
        this.state = state;
        this.libpod = libpod;
        this.control = control;
        this.exits = exits;
        this.clock = clock;
        this.processStartMillis = processStartMillis;
        this.reports = new JobReports(settings, this::lentCpus, state, libpod, exits, clock);
        this.enrolment = new Enrolment(registration, settings.joinToken(), state, control, clock, troubles);
        this.heartbeats = new Heartbeats(control, enrolment, reports::heartbeat, timer, troubles,
                new Backoff(RETRY_FIRST, RETRY_MAX), clock);
        state.onNewEvents(progress::signal);
        this.lease = new Lease(settings.lease(), Lease.bootClock());
        this.sleep = new SleepWatch(Lease.bootClock(), () -> System.nanoTime() / 1_000_000, SLEEP_ANNOUNCEMENT);
        heartbeats.renews(lease);
        enrolment.onRegistered(answer -> {
            lease.renewed(lease.now()); // the registry heard from the PC
            heartbeats.registered(answer);
        });
    }

    /** The runner needs this agent for blob tokens, this agent needs the runner: set it before {@link #start}. */
    public void runner(JobRunner jobRunner) {
        this.runner = jobRunner;
        this.commands = new CommandLoop(state, control, enrolment,
                command -> work.during(() -> jobRunner.execute(command)), commandThreads, progress,
                troubles, settings.pollWait(), clock);
    }

    public void ownerSource(Supplier<OwnerState> source) {
        reports.ownerSource(source);
    }

    /**
     * The driver for the job runner: {@code base}, with every job held for the owner while they are at the PC (see
     * {@link OwnerRelief}). Call once, before {@link #runner}.
     */
    public TaskDriver relieving(TaskDriver base) {
        relief = new OwnerRelief(state, base, enrolment, control, clock, new Backoff(RETRY_FIRST, RETRY_MAX));
        exitHold = new ExitHold(state, base, state.file().resolveSibling("exit-hold"));
        return new RelievingDriver(base, relief, exitHold);
    }

    /** The agent's own work (its commands), which the owner's CPU detector leaves out. */
    public AgentWork work() {
        return work;
    }

    /** Told when a job's task begins to run here (see {@link OwnerRelief#onRunning}). */
    public void onTaskRunning(Runnable listener) {
        if (relief != null) {
            relief.onRunning(listener);
        }
    }

    /** The owner came back or left (the owner watch's listener: returns at once). */
    public void ownerChanged(OwnerState now) {
        if (relief != null) {
            relief.ownerChanged(now);
        }
        heartbeats.now();
    }

    /**
     * Registers (waiting out an unreachable registry), or waits for {@link #beginRegistration}'s registration,
     * re-attaches to the containers left from before, and starts the loops.
     *
     * @throws StartupCheckException when the registry refuses the join token or the registration itself
     */
    public void start() {
        if (relief != null && !state.containers().isEmpty()) {
            // Jobs from before this start may run elsewhere by now (the PC was cut off, or asleep, or the agent down
            // past lost-after): held until the scheduler says which are still this PC's, as after a lapsed lease.
            relief.leaseLapsed("this agent (re)started with " + state.containers().size() + " job(s) on the PC");
        }
        if (exitHold != null) {
            exitHold.start(EXIT_HOLD_REFRESH);
        }
        if (firstRegistration == null) {
            registerFirst();
        } else {
            try {
                firstRegistration.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        Reattachment.run(libpod, state, runner);
        if (relief != null) {
            relief.reconcile();
        }
        heartbeats.now();
        long every = Math.max(1000, Math.min(5000, settings.lease().toMillis() / 6));
        leaseCheck.scheduleWithFixedDelay(this::checkLease, 0, every, TimeUnit.MILLISECONDS);
        EventOutbox outbox = new EventOutbox(state, control, enrolment, commands::dispatch, progress, troubles, clock,
                commands::lastPollAt);
        loops.add(loop("upc-poll", () -> commands.run(new Backoff(RETRY_FIRST, RETRY_MAX))));
        loops.add(loop("upc-events", () -> outbox.run(new Backoff(RETRY_FIRST, RETRY_MAX))));
    }

    /**
     * Starts the first registration on a thread of its own, so that the rest of the start (job runner, owner watch,
     * local endpoint) is set up while the registry answers; {@link #start} waits for it and fails as it would have.
     */
    public void beginRegistration() {
        firstRegistration = CompletableFuture.runAsync(this::registerFirst, task -> {
            Thread thread = new Thread(task, "upc-register");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private void registerFirst() {
        enrolment.registerFirst(new Backoff(RETRY_FIRST, RETRY_MAX), progress, String.valueOf(settings.registryUrl()));
        WorkerSession session = enrolment.session();
        if (session == null) {
            return; // closed while waiting for the registry
        }
        startToRegisteredMillis = System.currentTimeMillis() - processStartMillis;
        WorkerRegistration registration = enrolment.registration();
        LOG.infof("registered worker=%s name=%s machine=%s score=%.3f jobCpus=%.2f jobMemoryMiB=%d in %d ms since "
                + "start", session.workerId(), registration.hostname(), registration.machineId(), registration.benchmarkScore(),
                lentCpus(), settings.jobMemoryMiB(), startToRegisteredMillis);
    }

    /**
     * The PC is about to sleep ({@code upc-agent prepare-sleep}, run by systemd's sleep hook): holds every job now, and
     * keeps them held after waking until the scheduler says they are still this PC's, since it may have given them
     * away while the PC slept. Waits up to {@code timeout} for the jobs to be held, so that the PC sleeps only then.
     *
     * @return the jobs held, or -1 when they were not all held in time
     */
    public int prepareForSleep(Duration timeout) {
        if (relief == null) {
            return 0;
        }
        sleep.announced();
        relief.leaseLapsed("the PC prepares to sleep");
        return relief.settled(timeout) ? relief.held().size() : -1;
    }

    /**
     * Holds every job once the lease lapsed; once the control plane hears from the PC again, asks the scheduler which
     * jobs are still this PC's and frees those ({@link OwnerRelief#leaseRestored}).
     */
    private void checkLease() {
        if (relief == null) {
            return;
        }
        try {
            OptionalLong slept = sleep.woke();
            boolean lapsed = lease.lapsed() || lease.takeMissedLapse();
            switch (LeaseStep.of(lapsed, slept.isPresent(), relief.leaseHeld(), sleep.pending())) {
                case HOLD -> {
                    if (!relief.leaseHeld()) {
                        String why = slept.isPresent()
                                ? "the PC woke after sleeping " + slept.getAsLong() / 1000 + " s"
                                : "the control plane has not heard from this PC for longer than its lease ("
                                        + settings.lease().toSeconds() + " s)";
                        relief.leaseLapsed(why);
                        troubles.report(why + "; its jobs are held until the scheduler says they are still its own");
                    }
                }
                case ASK -> relief.leaseRestored(enrolment.call(control::placements));
                case WAIT -> { }
                case FREE_STRAYS -> relief.freeStrays();
            }
        } catch (ControlPlaneException e) {
            if ("placements_unsupported".equals(e.error())) {
                // A scheduler older than this agent cannot say: free the jobs as agents before leases did (it
                // fences a stale copy itself once it hears of it), rather than hold them for good.
                LOG.warnf("%s; freeing the held jobs", e.getMessage());
                relief.leaseRestored(state.containers().keySet());
            } else {
                LOG.debugf("cannot learn which jobs are still this PC's: %s", e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warn("the lease check failed", e);
        }
    }

    /**
     * The PC is shutting down: asks the scheduler to move the jobs here away, from a checkpoint taken now (as from a
     * drained PC), and waits up to {@code timeout} for them to go, the command loop carrying out the checkpoints
     * meanwhile. Returns at once with no job here. A job still here at the end restarts elsewhere from its newest
     * checkpoint once the registry gives the PC up.
     */
    public void leave(Duration timeout) {
        if (relief == null || state.containers().isEmpty()) {
            return;
        }
        int jobs = state.containers().size();
        LOG.infof("shutting down with %d job(s) here: asking the scheduler to move them away (waiting up to %d s)",
                jobs, timeout.toSeconds());
        relief.leaving();
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        try {
            while (!state.containers().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        if (state.containers().isEmpty()) {
            LOG.infof("all %d job(s) moved away in %d ms", jobs, tookMs);
        } else {
            LOG.warnf("%d job(s) still here after %d ms: they restart elsewhere from their newest checkpoint",
                    state.containers().size(), tookMs);
        }
    }

    /** New facts about this PC (e.g. podman was upgraded): register them; the worker id stays. */
    public void updateRegistration(WorkerRegistration updated) {
        enrolment.update(updated);
    }

    /** A store capability for the job's image or output, from the scheduler. */
    public String blobToken(BlobKind kind, String id, String operation) {
        return enrolment.call(session -> control.blobToken(session, new BlobTokenRequest(kind, id, operation)))
                .token();
    }

    /** Ships lines of a job's container to the scheduler (the {@link dev.upc.agent.job.LogSink} of this agent). */
    public JobLogAck shipLogs(JobLogChunk chunk) {
        return enrolment.call(session -> control.shipLogs(session, chunk));
    }

    public AgentStatus status() {
        List<AgentStatus.Container> containers = new ArrayList<>();
        for (ManagedContainer c : state.containers().values()) {
            containers.add(new AgentStatus.Container(c.name(), c.jobId(), c.epoch(),
                    exits.watching(c.name()) ? "running" : "stopped", exits.cpuSeconds(c.name())));
        }
        WorkerSession current = enrolment.session();
        return new AgentStatus(current == null ? state.workerId().orElse(null) : current.workerId(), current != null,
                heartbeats.desired(), reports.owner(), enrolment.registration().benchmarkScore(),
                lentCpus(), containers, state.pendingEvents(), commands == null ? 0 : commands.inFlight(),
                heartbeats.lastAt(), commands == null ? null : commands.lastPollAt(), troubles.last(),
                startToRegisteredMillis);
    }

    /** The CPUs this PC lends now: its lent cores times the CPU cap in force. */
    private double lentCpus() {
        return settings.jobCpus() * cap.share();
    }

    /**
     * The owner changed the CPU cap: the jobs here get their part of it at once, and the registry this PC's new
     * speed ({@code updated}), in the background (the owner's command returns at once).
     */
    public void capChanged(WorkerRegistration updated) {
        timer.execute(() -> {
            if (runner != null) {
                runner.recap();
            }
            enrolment.update(updated);
            heartbeats.now();
        });
    }

    /** Ready: registered and the last heartbeat went through. */
    public boolean ready() {
        return enrolment.session() != null && heartbeats.lastAt() != null && troubles.last() == null;
    }

    @Override
    public void close() {
        if (relief != null) {
            relief.close();
        }
        progress.close();
        heartbeats.close();
        timer.shutdownNow();
        leaseCheck.shutdownNow();
        loops.forEach(Thread::interrupt);
        commandThreads.shutdown();
        try {
            if (!commandThreads.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("commands still running at shutdown; they are taken up again at the next start");
                commandThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exits.close();
        if (exitHold != null) {
            exitHold.close();
        }
        LOG.info("agent stopped");
        closed.countDown();
    }

    /** Waits up to {@code timeout} for {@link #close} to have run (a shutdown hook lets a leaving agent finish). */
    public void awaitClosed(Duration timeout) {
        try {
            closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread loop(String name, Runnable body) {
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
