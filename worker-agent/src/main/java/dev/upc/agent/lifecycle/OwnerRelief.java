package dev.upc.agent.lifecycle;

import dev.upc.agent.control.ControlPlane;
import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.driver.TaskDriver;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskLimits;
import dev.upc.agent.driver.TaskStatus;
import dev.upc.agent.retry.Backoff;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import dev.upc.protocol.OwnerReport;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.SuspendedJob;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Gives the PC's owner the CPU back the moment they return, without asking anyone: every job on the PC is held at
 * near-zero CPU ({@link TaskDriver#suspend}), where it stays checkpointable, and freed again when the owner leaves.
 * Then the scheduler hears it straight from this agent ({@link OwnerReport}), not a heartbeat later through the
 * registry, and decides what becomes of the held jobs: a move to a free PC, or waiting here until the owner leaves or
 * the longest suspension is over.
 *
 * <p>The same holds keep a PC cut off from the control plane from running on with jobs that may already run elsewhere
 * ({@link Lease}): while the lease has lapsed every job is held as for the owner, and once the PC is back only the
 * jobs the scheduler still places here ({@link #leaseRestored}) are freed; the others stay held until the scheduler
 * has them removed.
 *
 * <p>All of it happens on one thread of its own, so the owner watch that calls {@link #ownerChanged} never waits, and
 * holds and frees happen in the order the owner came and went. A report that does not get through is sent again with
 * backoff, always as the state of that moment; a scheduler too old to take reports is told once, and the registry's
 * heartbeats carry the owner's state to it as before.
 */
public final class OwnerRelief implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OwnerRelief.class);
    private static final long MIB = 1024L * 1024;

    private final AgentState state;
    private final TaskDriver driver;
    private final Enrolment enrolment;
    private final ControlPlane control;
    private final Clock clock;
    private final Backoff backoff;
    private final ScheduledExecutorService thread = daemon("upc-owner-relief");
    /** Reports go on a thread of their own: a scheduler slow to answer must not delay a freeze. */
    private final ScheduledExecutorService reporter = daemon("upc-owner-report");

    // Guarded by this.
    private OwnerState owner = OwnerState.IDLE;
    private Instant changedAt;
    private final Map<String, Instant> held = new LinkedHashMap<>();
    /** Tasks being dumped: CRIU has frozen them itself, and a thaw must wait for the dump's end. */
    private final Set<String> dumping = new HashSet<>();
    /** The lease lapsed: every job is held until the scheduler says which are still this PC's. */
    private boolean leaseLapsed;
    /** The PC is shutting down ({@link #leaving}). */
    private boolean leaving;
    /** Jobs the scheduler no longer places here (after a lapse): held until they are removed, never freed. */
    private final Set<String> disowned = new HashSet<>();
    private boolean reportWanted;
    private boolean schedulerRefuses;
    private Duration lastRelief;
    private volatile Runnable onRunning = () -> { };

    OwnerRelief(AgentState state, TaskDriver driver, Enrolment enrolment, ControlPlane control, Clock clock,
                Backoff backoff) {
        this.state = state;
        this.driver = driver;
        this.enrolment = enrolment;
        this.control = control;
        this.clock = clock;
        this.backoff = backoff;
        this.changedAt = clock.instant();
    }

    /** The owner came back or left: hold or free every job at once (on the relief's thread), then report. */
    public void ownerChanged(OwnerState now) {
        synchronized (this) {
            if (now == owner) {
                return;
            }
            owner = now;
            changedAt = clock.instant();
        }
        run(() -> apply(System.nanoTime()));
    }

    /**
     * The lease lapsed, or its state is unknown (a fresh start): hold every job, as for the owner (on the relief's
     * thread), until {@link #leaseRestored}.
     *
     * @param why for the log
     */
    void leaseLapsed(String why) {
        synchronized (this) {
            if (leaseLapsed) {
                return;
            }
            leaseLapsed = true;
        }
        LOG.warnf("%s: holding every job until the scheduler says which are still this PC's", why);
        run(() -> apply(System.nanoTime()));
    }

    /**
     * The PC is shutting down: tell the scheduler so that it moves the jobs away, from a checkpoint taken now, as from
     * a drained PC (the report goes on the reporter's thread, tried again on failure like any).
     */
    void leaving() {
        synchronized (this) {
            leaving = true;
            changedAt = clock.instant(); // newer than every report before: the scheduler keeps this one
        }
        report();
    }

    /** Whether the lease lapsed and the scheduler has not yet said which jobs are still this PC's. */
    synchronized boolean leaseHeld() {
        return leaseLapsed;
    }

    /**
     * The PC is back and the scheduler places {@code placed} (container names) here: those are freed (unless the
     * owner is at the PC), the others stay held until the scheduler has them removed.
     */
    void leaseRestored(Set<String> placed) {
        List<String> others = new ArrayList<>();
        synchronized (this) {
            if (!leaseLapsed) {
                return;
            }
            leaseLapsed = false;
            for (String name : state.containers().keySet()) {
                if (!placed.contains(name)) {
                    disowned.add(name);
                    others.add(name);
                }
            }
        }
        LOG.infof("the control plane is back: %d job(s) still this PC's%s", placed.size(),
                others.isEmpty() ? "" : "; kept held, as they may run elsewhere now: " + others);
        run(() -> apply(System.nanoTime()));
    }

    /**
     * After a restart: brings every task in line with the owner's state now (a task held before the restart is freed
     * if the owner left meanwhile) and tells the scheduler.
     */
    void reconcile() {
        // Holding every running task, or freeing every one held or frozen, is what a change of the owner does too.
        run(() -> apply(System.nanoTime()));
    }

    /** Told when a task begins to run here (e.g. the owner watch samples more often then). */
    public void onRunning(Runnable listener) {
        this.onRunning = listener;
    }

    /** A task began to run here (a RUN, a RESTORE, a rollback): held at once while the owner is at the PC. */
    void running(TaskHandle task) {
        try {
            onRunning.run();
            if (holding()) {
                hold(task);
                if (!holding()) {
                    // The owner left while it was being held, after the relief freed the others: free it too.
                    run(() -> state.container(task.name()).ifPresent(this::freeQuietly));
                }
                report();
            }
        } catch (RuntimeException e) {
            // The task runs; the command that started it must not fail for the hold (the next change retries).
            LOG.warnf("container=%s: cannot hold it for the owner: %s", task.name(), e.getMessage());
        }
    }

    private void freeQuietly(ManagedContainer container) {
        try {
            free(container);
        } catch (RuntimeException e) {
            LOG.warnf("container=%s: cannot resume it: %s", container.name(), e.getMessage());
        }
    }

    /**
     * Runs a task's dump: a thaw the owner's leaving asks for meanwhile waits for its end (CRIU freezes the task for
     * the dump through the same freezer), then the task is brought in line with the owner's state.
     */
    <T> T dumping(TaskHandle task, java.util.function.Supplier<T> dump) {
        synchronized (this) {
            dumping.add(task.name());
        }
        try {
            return dump.get();
        } finally {
            synchronized (this) {
                dumping.remove(task.name());
            }
            run(() -> {
                ManagedContainer container = state.container(task.name()).orElse(null);
                if (container != null && !holding()) {
                    try {
                        free(container);
                    } catch (RuntimeException e) {
                        LOG.warnf("container=%s: cannot resume it after its dump: %s", task.name(), e.getMessage());
                    }
                }
            });
        }
    }

    /**
     * Frees every job found frozen while nothing holds it (the owner is away, the lease runs, no dump is under way),
     * and retries a free that failed: a dump cut short (podman's service or CRIU killed in the middle) leaves its
     * container frozen, counted as running by everyone. Called every few seconds; one inspect per job.
     */
    void freeStrays() {
        run(() -> {
            if (holding()) {
                return;
            }
            for (ManagedContainer container : state.containers().values()) {
                try {
                    if (free(container)) {
                        LOG.warnf("container=%s was frozen with nothing holding it (a dump cut short?): resumed",
                                container.name());
                    }
                } catch (RuntimeException e) {
                    LOG.debugf("container=%s: not checked for a stray freeze (%s)", container.name(), e.getMessage());
                }
            }
        });
    }

    /** Waits up to {@code timeout} until everything asked of the relief before this call is done. */
    boolean settled(Duration timeout) {
        try {
            thread.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            return false;
        }
    }

    /** How long the last relief took, from the owner's change to the last job held or freed; null before one. */
    public synchronized Duration lastRelief() {
        return lastRelief;
    }

    /** The jobs' containers held now. */
    public synchronized List<String> held() {
        return List.copyOf(held.keySet());
    }

    private synchronized OwnerState owner() {
        return owner;
    }

    /** Whether every job is to be held: the owner is at the PC, or the lease lapsed. */
    private synchronized boolean holding() {
        return owner == OwnerState.ACTIVE || leaseLapsed;
    }

    private void apply(long startedNanos) {
        OwnerState now = owner();
        boolean hold = holding();
        int count = 0;
        for (ManagedContainer container : state.containers().values()) {
            try {
                if (hold ? hold(TaskHandle.of(container.name())) : free(container)) {
                    count++;
                }
            } catch (RuntimeException e) {
                LOG.warnf("container=%s: cannot %s it: %s", container.name(), hold ? "suspend" : "resume",
                        e.getMessage());
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
        synchronized (this) {
            lastRelief = took;
            disowned.retainAll(state.containers().keySet());
        }
        LOG.infof("owner is %s%s: %s %d job(s) in %d ms", now, leaseHeld() ? ", lease lapsed" : "",
                hold ? "suspended" : "resumed", count, took.toMillis());
        report();
    }

    private boolean hold(TaskHandle task) {
        if (!driver.suspend(task)) {
            return false;
        }
        synchronized (this) {
            held.putIfAbsent(task.name(), clock.instant());
        }
        return true;
    }

    private boolean free(ManagedContainer container) {
        Instant since;
        synchronized (this) {
            if (dumping.contains(container.name())) {
                return false; // thawed, if still running, when its dump ends (see dumping)
            }
            if (disowned.contains(container.name())) {
                return false; // perhaps running elsewhere by now: held until the scheduler has it removed
            }
            since = held.get(container.name());
        }
        TaskHandle task = TaskHandle.of(container.name());
        Optional<TaskStatus> status = driver.inspect(task);
        if (status.isEmpty() || !status.get().running()) {
            forget(container.name());
            return false;
        }
        // Held by this agent (perhaps through the CPU-quota fallback, which the status does not show), or frozen.
        if (since == null && !status.get().suspended()) {
            return false;
        }
        driver.resume(task, TaskLimits.of(container.cpus(), container.memoryMiB() * MIB));
        forget(container.name()); // only now: a resume that failed is tried again with the next change
        return true;
    }

    private synchronized void forget(String name) {
        held.remove(name);
    }

    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Has the state of the moment of sending sent to the scheduler, on the reporter's thread. */
    private void report() {
        try {
            reporter.execute(this::send);
        } catch (RejectedExecutionException closed) {
            // shutting down
        }
    }

    /** Sends the state of this moment to the scheduler, now or, after a failure, with backoff. */
    private void send() {
        OwnerReport report;
        synchronized (this) {
            if (schedulerRefuses) {
                return;
            }
            reportWanted = false;
            report = new OwnerReport(owner, changedAt, suspendedJobs(), leaving);
        }
        try {
            enrolment.call(session -> {
                control.reportOwner(session, report);
                return null;
            });
            backoff.reset();
        } catch (ControlPlaneException e) {
            if (CallFailure.of(e) == CallFailure.REFUSED) {
                synchronized (this) {
                    schedulerRefuses = true;
                }
                LOG.warnf("the scheduler refused the owner's report (%s): it hears of the owner through the "
                        + "registry's heartbeats only", e.getMessage());
                return;
            }
            Duration wait = backoff.next();
            synchronized (this) {
                if (reportWanted) {
                    return; // a resend is on its way
                }
                reportWanted = true;
            }
            LOG.debugf("owner report not delivered (%s); again in %d ms", e.getMessage(), wait.toMillis());
            try {
                reporter.schedule(this::resend, wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                // shutting down
            }
        }
    }

    private void resend() {
        synchronized (this) {
            if (!reportWanted) {
                return;
            }
        }
        send();
    }

    /**
     * The jobs held for the owner, still here and running in their epoch, as the scheduler knows them. Jobs held only
     * for a lapsed lease are not the owner's doing: the scheduler is not asked to move them.
     */
    private List<SuspendedJob> suspendedJobs() {
        List<SuspendedJob> jobs = new ArrayList<>();
        held.entrySet().removeIf(entry -> state.container(entry.getKey()).isEmpty());
        if (owner != OwnerState.ACTIVE) {
            return jobs;
        }
        held.forEach((name, since) -> state.container(name).filter(c -> c.dumpBlobId() == null)
                .ifPresent(c -> jobs.add(new SuspendedJob(c.jobId(), c.epoch(), since))));
        return jobs;
    }

    private void run(Runnable work) {
        try {
            thread.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.error("owner relief failed", e);
                }
            });
        } catch (RejectedExecutionException closed) {
            // shutting down: the jobs stay as they are, and the next start brings them in line
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        reporter.shutdownNow();
    }
}
