package dev.upc.scheduler.service;

import dev.upc.protocol.JobEventList;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.scheduler.client.RegistryUnavailableException;
import dev.upc.scheduler.client.WorkerDirectory;
import dev.upc.scheduler.job.Job;
import dev.upc.scheduler.policy.MigrationTarget;
import dev.upc.scheduler.policy.PlacementPolicy;
import dev.upc.scheduler.snapshot.Snapshots;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** The jobs API's verbs: submit, look, cancel, migrate by hand. */
@ApplicationScoped
public class JobService {

    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final Pool pool;
    private final JobStore store;
    private final JobTransitions transitions;
    private final WorkerDirectory directory;
    private final PlacementPolicy policy;
    private final Event<JobsChanged> changes;
    private final Clock clock;
    private final CheckpointPruning pruning;
    private final SecureRandom random = new SecureRandom();

    JobService(Pool pool, JobStore store, JobTransitions transitions, WorkerDirectory directory, PlacementPolicy policy,
               Event<JobsChanged> changes, Clock clock, CheckpointPruning pruning) {
        this.pool = pool;
        this.store = store;
        this.transitions = transitions;
        this.directory = directory;
        this.policy = policy;
        this.changes = changes;
        this.clock = clock;
        this.pruning = pruning;
    }

    public Uni<JobInfo> submit(JobSubmission submission, String submittedBy) {
        String id = newJobId();
        return pool.withTransaction(c -> {
            Tx tx = new Tx(c, store, clock.instant());
            Job job = Job.submit(tx, id, submission, submittedBy);
            return tx.run().replaceWith(job);
        }).map(job -> job.toInfo(null)).invoke(info -> changes.fire(new JobsChanged(info.id())));
    }

    public Uni<JobInfo> get(String jobId) {
        return store.find(pool, jobId).map(job -> {
            if (job == null) {
                throw SchedulerException.jobNotFound(jobId);
            }
            return job.toInfo(null);
        });
    }

    public Uni<List<JobInfo>> list(Optional<JobState> state, int limit) {
        return store.list(pool, state.orElse(null), limit).map(jobs -> jobs.stream().map(j -> j.toInfo(null)).toList());
    }

    public Uni<JobEventList> events(String jobId) {
        return get(jobId).chain(job -> store.events(pool, jobId)).map(events -> new JobEventList(jobId, events, null));
    }

    public Uni<JobInfo> cancel(String jobId) {
        return transitions.apply(jobId, job -> true, (tx, job) -> job.cancel(tx))
                .map(job -> found(job, jobId).toInfo(null))
                .invoke(cancelled -> {
                    pruning.afterCommit(jobId);
                    changes.fire(new JobsChanged(jobId));
                });
    }

    /** Moves a running job to {@code target}, or where the policy expects it to finish earliest. */
    public Uni<JobInfo> migrate(String jobId, Optional<String> target) {
        return store.find(pool, jobId).chain(found -> {
            requireMovable(found(found, jobId));
            return directory.workers().onFailure().transform(failure ->
                    SchedulerException.unavailable(failure instanceof RegistryUnavailableException ? failure.getMessage()
                            : "the worker registry cannot be reached: " + failure.getMessage()))
                    .chain(workers -> store.active(pool).map(active -> {
                        var snapshot = Snapshots.of(clock.instant(), workers, active);
                        return policy.migrationTarget(snapshot, jobId, target);
                    }));
        }).chain(choice -> {
            if (choice instanceof MigrationTarget.Refused refused) {
                return Uni.createFrom().failure(SchedulerException.conflict(refused.code(), refused.message()));
            }
            MigrationTarget.Chosen chosen = (MigrationTarget.Chosen) choice;
            return transitions.apply(jobId, job -> true, (tx, job) -> {
                requireMovable(job);
                job.startMigration(tx, chosen.workerId(), chosen.facts(), "MANUAL");
            }).map(job -> found(job, jobId).toInfo(null));
        });
    }

    private static Job found(Job job, String jobId) {
        if (job == null) {
            throw SchedulerException.jobNotFound(jobId);
        }
        return job;
    }

    private static void requireMovable(Job job) {
        if (!job.settled()) {
            throw SchedulerException.conflict("job_not_running",
                    "job " + job.id() + " is " + job.state() + (job.op() == null ? "" : " (" + job.op() + " in flight)")
                            + "; only a RUNNING job with nothing in flight can migrate");
        }
        if (!job.spec().migratable()) {
            throw SchedulerException.conflict("job_not_migratable", "job " + job.id() + " was submitted as not migratable");
        }
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
