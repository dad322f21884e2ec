package dev.upc.scheduler.service;

import dev.upc.protocol.JobEventList;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.WorkerInfo;
import dev.upc.scheduler.client.RegistryUnavailableException;
import dev.upc.scheduler.client.WorkerDirectory;
import dev.upc.scheduler.planner.Planner;
import dev.upc.scheduler.policy.HostFacts;
import dev.upc.scheduler.policy.WorkerView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The jobs API's verbs: submit, look, cancel, migrate by hand. */
@ApplicationScoped
public class JobService {

    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final Pool pool;
    private final JobStore store;
    private final Orchestrator orchestrator;
    private final WorkerDirectory directory;
    private final Planner planner;
    private final Clock clock;
    private final CheckpointPruning pruning;
    private final SecureRandom random = new SecureRandom();

    JobService(Pool pool, JobStore store, Orchestrator orchestrator, WorkerDirectory directory, Planner planner,
               Clock clock, CheckpointPruning pruning) {
        this.pruning = pruning;
        this.pool = pool;
        this.store = store;
        this.orchestrator = orchestrator;
        this.directory = directory;
        this.planner = planner;
        this.clock = clock;
    }

    public Uni<JobInfo> submit(JobSubmission submission, String submittedBy) {
        Instant now = clock.instant();
        Job job = new Job();
        job.id = newJobId();
        job.name = submission.name();
        job.spec = submission;
        job.state = JobState.QUEUED;
        job.maxRetries = submission.maxRetries();
        job.submittedBy = submittedBy;
        job.submittedAt = now;
        job.updatedAt = now;
        return pool.withTransaction(c -> {
            Tx tx = new Tx(c, store, now);
            tx.write(() -> store.insert(c, job));
            tx.event(job, JobEventType.SUBMITTED, null, "by", submittedBy);
            return tx.run();
        }).map(done -> job.toInfo()).invoke(planner::soon);
    }

    public Uni<JobInfo> get(String jobId) {
        return store.find(pool, jobId).map(job -> {
            if (job == null) {
                throw SchedulerException.jobNotFound(jobId);
            }
            return job.toInfo();
        });
    }

    public Uni<List<JobInfo>> list(Optional<JobState> state, int limit) {
        return store.list(pool, state.orElse(null), limit).map(jobs -> jobs.stream().map(Job::toInfo).toList());
    }

    public Uni<JobEventList> events(String jobId) {
        return get(jobId).chain(job -> store.events(pool, jobId)).map(events -> new JobEventList(jobId, events, null));
    }

    public Uni<JobInfo> cancel(String jobId) {
        return transition(jobId, (tx, job) -> orchestrator.cancel(tx, job))
                .invoke(cancelled -> pruning.afterCommit(jobId));
    }

    /** Moves a running job to {@code target}, or to the fastest free compatible worker when absent. */
    public Uni<JobInfo> migrate(String jobId, Optional<String> target) {
        return store.find(pool, jobId).chain(found -> {
            if (found == null) {
                return Uni.createFrom().failure(SchedulerException.jobNotFound(jobId));
            }
            requireMovable(found);
            return directory.workers().onFailure().transform(failure ->
                    SchedulerException.unavailable(failure instanceof RegistryUnavailableException ? failure.getMessage()
                            : "the worker registry cannot be reached: " + failure.getMessage()));
        }).chain(workers -> transition(jobId, (tx, job) -> {
            requireMovable(job);
            WorkerView chosen = chooseTarget(job, workers, target);
            orchestrator.startMigration(tx, job, chosen.id(), chosen.facts(), "MANUAL");
        }));
    }

    private Uni<JobInfo> transition(String jobId, java.util.function.BiConsumer<Tx, Job> change) {
        Instant now = clock.instant();
        return pool.withTransaction(c -> store.lock(c, jobId).chain(job -> {
            if (job == null) {
                return Uni.createFrom().failure(SchedulerException.jobNotFound(jobId));
            }
            Tx tx = new Tx(c, store, now);
            change.accept(tx, job);
            return tx.run().replaceWith(job.toInfo());
        }));
    }

    private static void requireMovable(Job job) {
        if (!job.settled()) {
            throw SchedulerException.conflict("job_not_running",
                    "job " + job.id + " is " + job.state + (job.op == null ? "" : " (" + job.op + " in flight)")
                            + "; only a RUNNING job with nothing in flight can migrate");
        }
        if (!job.spec.migratable()) {
            throw SchedulerException.conflict("job_not_migratable", "job " + job.id + " was submitted as not migratable");
        }
    }

    private static WorkerView chooseTarget(Job job, List<WorkerInfo> workers, Optional<String> target) {
        HostFacts source = job.workerFacts;
        if (target.isPresent()) {
            WorkerInfo info = workers.stream().filter(w -> w.workerId().equals(target.get())).findFirst()
                    .orElseThrow(() -> SchedulerException.conflict("unknown_worker", "no worker " + target.get()));
            WorkerView view = dev.upc.scheduler.planner.Planner.view(info);
            if (view.id().equals(job.workerId)) {
                throw SchedulerException.conflict("same_worker", "job " + job.id + " already runs on " + view.id());
            }
            if (!view.accepting()) {
                throw SchedulerException.conflict("worker_unavailable", "worker " + view.id() + " takes no jobs now ("
                        + view.liveness() + (view.ownerActive() ? ", owner active" : "")
                        + (view.draining() ? ", draining" : "") + ")");
            }
            if (source != null && !view.facts().canRestoreFrom(source)) {
                throw SchedulerException.conflict("incompatible_worker",
                        "worker " + view.id() + " cannot restore a checkpoint taken on " + job.workerId
                                + " (architecture, CPU flags, OCI runtime or CRIU version)");
            }
            return view;
        }
        return workers.stream().map(dev.upc.scheduler.planner.Planner::view)
                .filter(w -> !w.id().equals(job.workerId) && w.accepting() && w.cpus() >= job.spec.cpus())
                .filter(w -> source == null || w.facts().canRestoreFrom(source))
                .max(Comparator.comparingDouble((WorkerView w) -> w.score()).thenComparing(WorkerView::id,
                        Comparator.reverseOrder()))
                .orElseThrow(() -> SchedulerException.conflict("no_target",
                        "no other online, compatible worker can take job " + job.id));
    }

    private String newJobId() {
        // "j" + 12 base32 characters: 60 random bits, short enough for container names.
        char[] id = new char[13];
        id[0] = 'j';
        for (int i = 1; i < id.length; i++) {
            id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
        }
        return new String(id);
    }
}
