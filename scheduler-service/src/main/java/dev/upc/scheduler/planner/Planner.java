package dev.upc.scheduler.planner;

import dev.upc.protocol.JobState;
import dev.upc.protocol.WorkerInfo;
import dev.upc.scheduler.client.WorkerDirectory;
import dev.upc.scheduler.client.WorkerNames;
import dev.upc.scheduler.config.SchedulerConfig;
import dev.upc.scheduler.job.Job;
import dev.upc.scheduler.job.JobEffects;
import dev.upc.scheduler.learning.Learner;
import dev.upc.scheduler.metrics.SchedulerMetrics;
import dev.upc.scheduler.owner.OwnerReports;
import dev.upc.scheduler.policy.ClusterSnapshot;
import dev.upc.scheduler.policy.Decisions;
import dev.upc.scheduler.policy.HostFacts;
import dev.upc.scheduler.policy.PlacementPolicy;
import dev.upc.scheduler.policy.WaitingReasons;
import dev.upc.scheduler.policy.WorkerView;
import dev.upc.scheduler.service.CheckpointPruning;
import dev.upc.scheduler.service.DatabaseOptions;
import dev.upc.scheduler.service.JobStore;
import dev.upc.scheduler.service.JobTransitions;
import dev.upc.scheduler.service.JobsChanged;
import dev.upc.scheduler.snapshot.Snapshots;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The planning loop: every plan-interval (and soon after an event that frees or needs a worker) the replica holding
 * the {@link PlannerLock} takes a snapshot of the jobs table, the workers (the registry's, read once per reconcile
 * interval: {@link RegistryReads}) and the owners' reports that came since the last round, asks the policy for
 * decisions and applies each in its own transaction. A decision is applied only if its job is still as the snapshot
 * saw it (state, epoch, op), so an event that arrived meanwhile wins and the next round decides again.
 */
@ApplicationScoped
public class Planner {

    private static final Logger LOG = Logger.getLogger(Planner.class);
    private static final long MIB = 1024L * 1024;
    /** Clock skew and delivery delay between a heartbeat and the registry's lastSeenAt that we tolerate. */
    private static final Duration HEARTBEAT_SLACK = Duration.ofSeconds(10);

    private final Pool pool;
    private final JobStore store;
    private final JobTransitions transitions;
    private final WorkerNames names;
    private final PlacementPolicy policy;
    private final SchedulerMetrics metrics;
    private final Clock clock;
    private final SchedulerConfig config;
    private final Vertx vertx;
    private final PlannerLock lock;
    private final CheckpointPruning pruning;
    private final Learner learner;
    private final OwnerReports owners;
    private final RegistryReads registry;
    private final MassLoss massLoss;
    private final VanishedCopies vanished;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();

    Planner(Pool pool, JobStore store, JobTransitions transitions, WorkerDirectory directory, WorkerNames names,
            PlacementPolicy policy, SchedulerMetrics metrics, Clock clock, SchedulerConfig config, Vertx vertx,
            DatabaseOptions database, CheckpointPruning pruning, Learner learner, OwnerReports owners) {
        this.owners = owners;
        this.registry = new RegistryReads(directory, config.registry().reconcileInterval(), System::nanoTime);
        this.massLoss = new MassLoss(config.massLossInterval());
        this.vanished = new VanishedCopies(config.vanishedAfter());
        this.names = names;
        this.learner = learner;
        this.pruning = pruning;
        this.pool = pool;
        this.store = store;
        this.transitions = transitions;
        this.policy = policy;
        this.metrics = metrics;
        this.clock = clock;
        this.config = config;
        this.vertx = vertx;
        this.lock = new PlannerLock(vertx, database.connectOptions(), config.plannerLockKey());
        metrics.plannerLeader(lock::held);
    }

    @Scheduled(every = "${upc.scheduler.plan-interval:2s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        // Every replica keeps the owners' reports it answers jobs with (JobInfo.suspendedSince) up to date.
        Uni<Void> owned = owners.refresh().replaceWithVoid()
                .onFailure().invoke(failure -> LOG.debugf("cannot read the owners' reports: %s", failure.toString()))
                .onFailure().recoverWithNull();
        return config.plannerEnabled() ? owned.chain(this::runIfLeader) : owned;
    }

    /** Plan again shortly (coalescing bursts of events into one round). */
    public void soon() {
        if (config.plannerEnabled() && wakeScheduled.compareAndSet(false, true)) {
            vertx.setTimer(100, id -> {
                wakeScheduled.set(false);
                runIfLeader().subscribe().with(ok -> { }, failure -> LOG.warn("planning failed", failure));
            });
        }
    }

    void onChange(@Observes JobsChanged change) {
        soon();
    }

    /** Whether this instance holds the planner lock. */
    public boolean leader() {
        return lock.held();
    }

    void stop(@Observes ShutdownEvent event) {
        lock.release().subscribe().with(ok -> { }, failure -> { });
    }

    private Uni<Void> runIfLeader() {
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return Uni.createFrom().voidItem();
        }
        return lock.acquire()
                .chain(leader -> leader ? planOnce().replaceWithVoid() : Uni.createFrom().voidItem())
                .onFailure().invoke(failure -> LOG.warn("planning round failed", failure))
                .onFailure().recoverWithNull()
                .onTermination().invoke(() -> {
                    running.set(false);
                    if (again.getAndSet(false)) {
                        soon();
                    }
                });
    }

    /** One planning round, regardless of leadership (tests call it directly). Returns what was decided. */
    public Uni<Decisions> planOnce() {
        return owners.refresh().chain(presence -> registry.workers(presence.keySet()).invoke(names::remember)
                .chain(workers -> store.active(pool).chain(jobs -> learner.update(pool, workers).chain(learned -> {
            Instant now = clock.instant();
            Map<String, WorkerView> views = new HashMap<>();
            workers.forEach(info -> views.put(info.workerId(),
                    Snapshots.worker(info, learned, presence.get(info.workerId()))));
            Map<String, Job> byId = new HashMap<>();
            jobs.forEach(job -> byId.put(job.id(), job));
            long started = System.nanoTime();
            ClusterSnapshot snapshot = Snapshots.of(now, workers, jobs, learned, presence);
            snapshot = snapshot.withLostWorkerAllowance(massLoss.allowance(snapshot.workers(), started));
            Decisions decisions = policy.decide(snapshot);
            metrics.decided(Duration.ofNanos(System.nanoTime() - started));
            ClusterSnapshot decided = snapshot;
            return apply(decisions, byId, views)
                    .invoke(() -> massLoss.gaveAway((int) decisions.recoveries().stream()
                            .map(Decisions.Recovery::lostWorkerId).filter(java.util.Objects::nonNull).distinct()
                            .count(), started))
                    .chain(() -> fenceStale(workers, byId))
                    .chain(() -> recoverVanished(workers, byId))
                    .chain(() -> explainWaiting(decided, decisions, byId))
                    .replaceWith(decisions);
        })))).call(() -> store.countByState(pool).invoke(metrics::jobCounts));
    }

    private Uni<Void> apply(Decisions d, Map<String, Job> seen, Map<String, WorkerView> workers) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Decisions.Failure f : d.failures()) {
            chain = chain.chain(() -> change(f.jobId(), unchanged(seen.get(f.jobId())),
                    (tx, job) -> job.fail(tx, f.reason())).invoke(() -> pruning.afterCommit(f.jobId())));
        }
        for (Decisions.Recovery r : d.recoveries()) {
            chain = chain.chain(() -> change(r.jobId(), unchanged(seen.get(r.jobId())),
                    (tx, job) -> job.recover(tx, r.fromCheckpoint())));
        }
        for (Decisions.Eviction e : d.evictions()) {
            chain = chain.chain(() -> change(e.jobId(), settled(seen.get(e.jobId())),
                    (tx, job) -> {
                        if (e.checkpoint()) {
                            job.evict(tx, e.reason().name());
                        } else {
                            job.restartElsewhere(tx, e.reason().name());
                        }
                    }));
        }
        for (Decisions.Migration m : d.migrations()) {
            HostFacts target = workers.get(m.to()).facts();
            chain = chain.chain(() -> change(m.jobId(), settled(seen.get(m.jobId())),
                    (tx, job) -> job.startMigration(tx, m.to(), target, m.reason().name())));
        }
        for (Decisions.PeriodicCheckpoint p : d.checkpoints()) {
            chain = chain.chain(() -> change(p.jobId(), settled(seen.get(p.jobId())),
                    (tx, job) -> job.periodicCheckpoint(tx)));
        }
        for (Decisions.Placement p : d.placements()) {
            Job before = seen.get(p.jobId());
            HostFacts facts = workers.get(p.workerId()).facts();
            // A job recovered this round is queued now, with the epoch the snapshot saw.
            Predicate<Job> queued = job -> job.state() == JobState.QUEUED && before != null
                    && job.epoch() == before.epoch();
            chain = chain.chain(() -> change(p.jobId(), queued,
                    (tx, job) -> job.place(tx, p.workerId(), facts, p.fromCheckpoint())));
        }
        return chain;
    }

    /** Records, for each queued job left waiting, why — when that changed (no write otherwise). */
    private Uni<Void> explainWaiting(ClusterSnapshot snapshot, Decisions decisions, Map<String, Job> seen) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<String, String> waiting : WaitingReasons.of(snapshot, decisions).entrySet()) {
            Job job = seen.get(waiting.getKey());
            if (job != null && !Objects.equals(job.waitingReason(), waiting.getValue())) {
                chain = chain.chain(() -> store.waitingReason(pool, job.id(), job.epoch(), waiting.getValue())
                        .onFailure().invoke(failure -> LOG.warnf("cannot record why job %s waits: %s", job.id(),
                                failure.toString()))
                        .onFailure().recoverWithNull());
            }
        }
        return chain;
    }

    /**
     * KILL or CLEANUP every container the heartbeats report that is no job's legitimate copy (see
     * {@link StaleContainers}), once: not while such a command is unacknowledged, nor on a heartbeat older than its
     * acknowledgement. Each in its own transaction, re-checked on the locked job.
     */
    private Uni<Void> fenceStale(List<WorkerInfo> workers, Map<String, Job> active) {
        List<StaleContainers.Suspect> suspects = StaleContainers.suspects(workers, active);
        if (suspects.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return FencedContainers.standings(pool, suspects, HEARTBEAT_SLACK).chain(standings -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (StaleContainers.Fence fence : StaleContainers.fences(suspects, standings)) {
                chain = chain.chain(() -> change(fence.jobId(),
                        job -> !StaleContainers.legitimate(job, fence.workerId(), fence.epoch()),
                        (tx, job) -> job.fenceStale(tx, fence.workerId(), fence.epoch(), fence.type(), fence.state())));
            }
            return chain;
        });
    }

    /**
     * Recovers each running job whose container its online PC no longer lists ({@link VanishedCopies}): from its
     * checkpoint, a retry spent, or failed when none is left, as a lost worker's job.
     */
    private Uni<Void> recoverVanished(List<WorkerInfo> workers, Map<String, Job> active) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String jobId : vanished.vanished(workers, active)) {
            Job before = active.get(jobId);
            LOG.warnf("job %s: its container %s is gone from worker %s, which no longer lists it; recovering it",
                    jobId, dev.upc.protocol.AgentCommand.containerName(jobId, before.epoch()), before.workerId());
            chain = chain.chain(() -> change(jobId, unchanged(before), (tx, job) -> {
                if (job.retries() >= job.spec().maxRetries()) {
                    job.fail(tx, "its container vanished from worker " + job.workerId() + " and no retries are left");
                } else {
                    job.recover(tx, true);
                }
            }));
        }
        return chain;
    }

    private Uni<Void> change(String jobId, Predicate<Job> expected, BiConsumer<JobEffects, Job> transition) {
        return transitions.apply(jobId, expected, transition).replaceWithVoid()
                .onFailure().invoke(failure -> LOG.warnf(failure, "cannot apply a decision to job %s", jobId))
                .onFailure().recoverWithNull();
    }

    private static Predicate<Job> unchanged(Job before) {
        return job -> before != null && job.state() == before.state() && job.epoch() == before.epoch()
                && job.op() == before.op();
    }

    private static Predicate<Job> settled(Job before) {
        return job -> unchanged(before).test(job) && job.settled();
    }
}
