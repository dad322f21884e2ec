package dev.upc.scheduler.planner;

import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobState;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerRegistration;
import dev.upc.scheduler.client.WorkerDirectory;
import dev.upc.scheduler.config.SchedulerConfig;
import dev.upc.scheduler.metrics.SchedulerMetrics;
import dev.upc.scheduler.policy.ClusterSnapshot;
import dev.upc.scheduler.policy.Decisions;
import dev.upc.scheduler.policy.HostFacts;
import dev.upc.scheduler.policy.JobView;
import dev.upc.scheduler.policy.PlacementPolicy;
import dev.upc.scheduler.policy.WorkerView;
import dev.upc.scheduler.service.CheckpointPruning;
import dev.upc.scheduler.service.CommandPayload;
import dev.upc.scheduler.service.DatabaseOptions;
import dev.upc.scheduler.service.Job;
import dev.upc.scheduler.service.JobStore;
import dev.upc.scheduler.service.Orchestrator;
import dev.upc.scheduler.service.Tx;
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
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The planning loop: every plan-interval (and soon after an event that frees or needs a worker) the replica holding
 * the {@link PlannerLock} takes a snapshot of the jobs table and the registry's workers, asks the policy for
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
    private final Orchestrator orchestrator;
    private final WorkerDirectory directory;
    private final PlacementPolicy policy;
    private final SchedulerMetrics metrics;
    private final Clock clock;
    private final SchedulerConfig config;
    private final Vertx vertx;
    private final PlannerLock lock;
    private final CheckpointPruning pruning;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();

    Planner(Pool pool, JobStore store, Orchestrator orchestrator, WorkerDirectory directory, PlacementPolicy policy,
            SchedulerMetrics metrics, Clock clock, SchedulerConfig config, Vertx vertx, DatabaseOptions database,
            CheckpointPruning pruning) {
        this.pruning = pruning;
        this.pool = pool;
        this.store = store;
        this.orchestrator = orchestrator;
        this.directory = directory;
        this.policy = policy;
        this.metrics = metrics;
        this.clock = clock;
        this.config = config;
        this.vertx = vertx;
        this.lock = new PlannerLock(vertx, database.connectOptions(), config.plannerLockKey());
    }

    @Scheduled(every = "${upc.scheduler.plan-interval:2s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return config.plannerEnabled() ? runIfLeader() : Uni.createFrom().voidItem();
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
        return directory.workers().chain(workers -> store.active(pool).chain(jobs -> {
            Instant now = clock.instant();
            Map<String, WorkerView> views = new HashMap<>();
            workers.forEach(info -> views.put(info.workerId(), view(info)));
            Map<String, Job> byId = new HashMap<>();
            jobs.forEach(job -> byId.put(job.id, job));
            Map<String, Double> reported = reportedCpu(workers);
            ClusterSnapshot snapshot = new ClusterSnapshot(now, List.copyOf(views.values()),
                    jobs.stream().map(job -> toView(job, reported)).toList(), reservations(jobs));
            long started = System.nanoTime();
            Decisions decisions = policy.decide(snapshot);
            metrics.decided(Duration.ofNanos(System.nanoTime() - started));
            return apply(decisions, byId, views, now).chain(() -> fenceStale(workers, byId, now))
                    .replaceWith(decisions);
        })).call(() -> store.countByState(pool).invoke(metrics::jobCounts));
    }

    private Uni<Void> apply(Decisions d, Map<String, Job> seen, Map<String, WorkerView> workers, Instant now) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Decisions.Failure f : d.failures()) {
            chain = chain.chain(() -> change(f.jobId(), unchanged(seen.get(f.jobId())), now,
                    (tx, job) -> orchestrator.fail(tx, job, f.reason())).invoke(() -> pruning.afterCommit(f.jobId())));
        }
        for (Decisions.Recovery r : d.recoveries()) {
            chain = chain.chain(() -> change(r.jobId(), unchanged(seen.get(r.jobId())), now,
                    (tx, job) -> orchestrator.recover(tx, job, r.fromCheckpoint())));
        }
        for (Decisions.Eviction e : d.evictions()) {
            chain = chain.chain(() -> change(e.jobId(), settled(seen.get(e.jobId())), now,
                    (tx, job) -> orchestrator.evict(tx, job, e.reason().name())));
        }
        for (Decisions.Migration m : d.migrations()) {
            HostFacts target = workers.get(m.to()).facts();
            chain = chain.chain(() -> change(m.jobId(), settled(seen.get(m.jobId())), now,
                    (tx, job) -> orchestrator.startMigration(tx, job, m.to(), target, m.reason().name())));
        }
        for (Decisions.PeriodicCheckpoint p : d.checkpoints()) {
            chain = chain.chain(() -> change(p.jobId(), settled(seen.get(p.jobId())), now,
                    (tx, job) -> orchestrator.periodicCheckpoint(tx, job)));
        }
        for (Decisions.Placement p : d.placements()) {
            Job before = seen.get(p.jobId());
            HostFacts facts = workers.get(p.workerId()).facts();
            // A job recovered this round is queued now, with the epoch the snapshot saw.
            Predicate<Job> queued = job -> job.state == JobState.QUEUED && before != null && job.epoch == before.epoch;
            chain = chain.chain(() -> change(p.jobId(), queued, now,
                    (tx, job) -> orchestrator.place(tx, job, p.workerId(), facts, p.fromCheckpoint())));
        }
        return chain;
    }

    /**
     * KILL or CLEANUP every container the heartbeats report that is no job's legitimate copy (see
     * {@link StaleContainers}), once: not while such a command is unacknowledged, nor on a heartbeat older than its
     * acknowledgement. Each in its own transaction, re-checked on the locked job.
     */
    private Uni<Void> fenceStale(List<WorkerInfo> workers, Map<String, Job> active, Instant now) {
        List<StaleContainers.Suspect> suspects = StaleContainers.suspects(workers, active);
        if (suspects.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return store.standings(pool, suspects, HEARTBEAT_SLACK).chain(standings -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (StaleContainers.Fence fence : StaleContainers.fences(suspects, standings)) {
                chain = chain.chain(() -> change(fence.jobId(),
                        job -> !StaleContainers.legitimate(job, fence.workerId(), fence.epoch()), now, (tx, job) -> {
                            tx.command(fence.workerId(), job, fence.epoch(), fence.type(), CommandPayload.none());
                            tx.event(job, JobEventType.STALE_EVENT, fence.workerId(), "eventType", "HEARTBEAT",
                                    "eventEpoch", fence.epoch(), "containerState", fence.state(),
                                    "answer", fence.type().name());
                        }));
            }
            return chain;
        });
    }

    private Uni<Void> change(String jobId, Predicate<Job> expected, Instant now, BiConsumer<Tx, Job> transition) {
        return pool.withTransaction(c -> store.lock(c, jobId).chain(job -> {
            if (job == null || !expected.test(job)) {
                return Uni.createFrom().voidItem();
            }
            Tx tx = new Tx(c, store, now);
            transition.accept(tx, job);
            return tx.run();
        })).onFailure().invoke(failure -> LOG.warnf(failure, "cannot apply a decision to job %s", jobId))
                .onFailure().recoverWithNull();
    }

    private static Predicate<Job> unchanged(Job before) {
        return job -> before != null && job.state == before.state && job.epoch == before.epoch && job.op == before.op;
    }

    private static Predicate<Job> settled(Job before) {
        return job -> unchanged(before).test(job) && job.settled();
    }

    public static WorkerView view(WorkerInfo info) {
        WorkerRegistration r = info.registration();
        WorkerView.Liveness liveness = switch (info.status()) {
            case ONLINE -> WorkerView.Liveness.ONLINE;
            case SUSPECT -> WorkerView.Liveness.SUSPECT;
            case LOST -> WorkerView.Liveness.LOST;
        };
        boolean ownerActive = info.latestReport() != null && info.latestReport().ownerState() == OwnerState.ACTIVE;
        boolean draining = info.desiredState() == dev.upc.protocol.DesiredState.DRAIN;
        HostFacts facts = new HostFacts(orUnknown(r.arch()), Set.copyOf(r.cpuFlags()), orUnknown(r.ociRuntime()),
                r.criuVersion() == null ? "0" : r.criuVersion());
        return new WorkerView(info.workerId(), liveness, ownerActive, draining, r.benchmarkScore(), r.jobCpus(), facts);
    }

    /** Targets of migrations still checkpointing: the job will land there, so nothing else may take its CPUs. */
    static Map<String, Integer> reservations(List<Job> jobs) {
        Map<String, Integer> reserved = new HashMap<>();
        for (Job job : jobs) {
            if (job.targetWorkerId != null && !job.state.terminal()) {
                reserved.merge(job.targetWorkerId, job.spec.cpus(), Integer::sum);
            }
        }
        return reserved;
    }

    /**
     * The CPU time each running container has used, from the workers' latest heartbeats, keyed by
     * {@link #containerKey}: between checkpoints it is the only news of a job's progress.
     */
    static Map<String, Double> reportedCpu(List<WorkerInfo> workers) {
        Map<String, Double> cpu = new HashMap<>();
        for (WorkerInfo worker : workers) {
            if (worker.latestReport() != null) {
                for (ContainerReport c : worker.latestReport().containers()) {
                    cpu.put(containerKey(worker.workerId(), c.jobId(), c.epoch()), c.cpuSeconds());
                }
            }
        }
        return cpu;
    }

    private static String containerKey(String workerId, String jobId, long epoch) {
        return workerId + "/" + jobId + "/" + epoch;
    }

    static JobView toView(Job job, Map<String, Double> reportedCpu) {
        JobView.Phase phase = job.state == JobState.QUEUED ? JobView.Phase.QUEUED
                : job.settled() ? JobView.Phase.RUNNING : JobView.Phase.BUSY;
        JobView.CheckpointRef checkpoint = job.checkpointBlobId != null && job.checkpointFacts != null
                ? new JobView.CheckpointRef(job.checkpointBlobId, job.checkpointFacts) : null;
        long bytes = job.checkpointBytes != null ? job.checkpointBytes : job.spec.memoryMiB() * MIB;
        return new JobView(job.id, phase, job.state == JobState.QUEUED ? null : job.workerId, job.spec.cpus(),
                job.spec.workEstimate(), workDone(job, reportedCpu), bytes, job.spec.migratable(),
                checkpoint, job.retries, job.maxRetries, job.spec.checkpointIntervalSeconds(), job.placedAt,
                job.lastCheckpointAt);
    }

    /** The job's progress: the latest event's, or its base plus what its container reported since, if more. */
    private static double workDone(Job job, Map<String, Double> reportedCpu) {
        double done = job.cpuSeconds == null ? 0 : job.cpuSeconds;
        if (job.workerId != null && job.state != JobState.QUEUED) {
            Double container = reportedCpu.get(containerKey(job.workerId, job.id, job.epoch));
            if (container != null) {
                done = Math.max(done, job.cpuBase + container);
            }
        }
        return done;
    }

    private static String orUnknown(String value) {
        return value == null || value.isBlank() ? "unknown" : value;
    }
}
