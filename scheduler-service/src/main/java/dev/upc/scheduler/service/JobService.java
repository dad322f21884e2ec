package dev.upc.scheduler.service;

import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ImageArchive;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventList;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobInput;
import dev.upc.protocol.JobList;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.WorkerInfo;
import dev.upc.scheduler.access.Caller;
import dev.upc.scheduler.access.JobFit;
import dev.upc.scheduler.access.SubmissionLimits;
import dev.upc.scheduler.client.RegistryUnavailableException;
import dev.upc.scheduler.client.StoreClient;
import dev.upc.scheduler.client.WorkerDirectory;
import dev.upc.scheduler.client.WorkerNames;
import dev.upc.scheduler.config.SchedulerConfig;
import dev.upc.scheduler.job.Job;
import dev.upc.scheduler.learning.Learner;
import dev.upc.scheduler.owner.OwnerReports;
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
    /** The owner filter that lists everyone's jobs (admins only). */
    public static final String ALL_OWNERS = "*";

    private final Pool pool;
    private final JobStore store;
    private final JobTransitions transitions;
    private final WorkerDirectory directory;
    private final WorkerNames names;
    private final PlacementPolicy policy;
    private final Event<JobsChanged> changes;
    private final Clock clock;
    private final CheckpointPruning pruning;
    private final StoreClient blobs;
    private final boolean imagesFromRegistries;
    private final Learner learner;
    private final OwnerReports owners;
    private final SubmissionLimits limits;
    private final JobFit fit;
    private final SecureRandom random = new SecureRandom();

    JobService(Pool pool, JobStore store, JobTransitions transitions, WorkerDirectory directory, WorkerNames names,
               PlacementPolicy policy, Event<JobsChanged> changes, Clock clock, CheckpointPruning pruning,
               StoreClient blobs, SchedulerConfig config, Learner learner, OwnerReports owners,
               SubmissionLimits limits, JobFit fit) {
        this.fit = fit;
        this.owners = owners;
        this.limits = limits;
        this.blobs = blobs;
        this.learner = learner;
        this.imagesFromRegistries = config.imagesFromRegistries();
        this.names = names;
        this.pool = pool;
        this.store = store;
        this.transitions = transitions;
        this.directory = directory;
        this.policy = policy;
        this.changes = changes;
        this.clock = clock;
        this.pruning = pruning;
    }

    /**
     * Queues a job owned by the caller. Its image must be in the store (unless agents may pull from registries) and
     * its inputs uploaded, and some PC of the cluster must lend what it asks for ({@link JobFit}): a job that could never
     * start is refused now, naming what is missing, not left queued. A
     * user who submits too fast or holds too many unfinished jobs is refused with 429 ({@link SubmissionLimits}).
     */
    public Uni<JobInfo> submit(Caller caller, JobSubmission submission) {
        String id = newJobId();
        return Uni.createFrom().voidItem().invoke(() -> limits.pace(caller)) // before any look-up for it
                .chain(() -> fit.check(submission))
                .chain(() -> checked(caller, submission))
                .chain(spec -> pool.withTransaction(c -> limits.admit(caller, c).chain(() -> {
                    Tx tx = new Tx(c, store, clock.instant());
                    Job job = Job.submit(tx, id, spec, caller.name());
                    return tx.run().replaceWith(job);
                })))
                .map(this::info).invoke(info -> changes.fire(new JobsChanged(info.id())));
    }

    /** The submission with its inputs' blobs named, once the store is known to hold them and the image. */
    private Uni<JobSubmission> checked(Caller caller, JobSubmission submission) {
        List<JobInput> inputs = submission.inputs().stream()
                .map(input -> input.withBlobId(JobInput.blobId(caller.name(), input.sha256()))).toList();
        if (inputs.stream().map(JobInput::path).distinct().count() < inputs.size()) {
            return Uni.createFrom().failure(SchedulerException.invalid("inputs", "two inputs have the same path"));
        }
        JobSubmission spec = submission.withInputs(inputs);
        if (blobs.url().isEmpty()) {
            return inputs.isEmpty() ? Uni.createFrom().item(spec) : Uni.createFrom().failure(
                    SchedulerException.unavailable("inputs need a checkpoint store (upc.scheduler.store-url)"));
        }
        List<Uni<Void>> checks = new java.util.ArrayList<>();
        if (!imagesFromRegistries) {
            checks.add(blobs.head(BlobKind.IMAGES, ImageArchive.blobId(spec.image())).map(head -> {
                if (head.isEmpty()) {
                    throw SchedulerException.invalidCode("image_missing", "image", "image " + spec.image()
                            + " is not in the store: push it first (upc images push " + spec.image() + ")");
                }
                return null;
            }));
        }
        for (JobInput input : inputs) {
            checks.add(blobs.head(BlobKind.INPUTS, input.blobId()).map(head -> {
                if (head.isEmpty() || head.get().size() != input.sizeBytes()) {
                    throw SchedulerException.invalidCode("input_missing", "inputs", "input " + input.path()
                            + " (sha256 " + input.sha256().substring(0, 12) + "…, " + input.sizeBytes()
                            + " bytes) was not uploaded: ask POST /api/v1/inputs/uploads for a grant and PUT it first");
                }
                return null;
            }));
        }
        return checks.isEmpty() ? Uni.createFrom().item(spec)
                : Uni.join().all(checks).andFailFast().replaceWith(spec);
    }

    public Uni<JobInfo> get(Caller caller, String jobId) {
        return find(caller, jobId).map(this::info);
    }

    /**
     * A page of jobs, newest first. {@code owner}: absent = the caller's own; {@code *} = everyone's (admins); a name =
     * that user's (admins, or the user itself).
     */
    public Uni<JobList> list(Caller caller, Optional<String> owner, Optional<JobState> state, int limit,
                             Optional<String> cursor) {
        String whose = owner.orElse(caller.name());
        if (whose.equals(ALL_OWNERS) ? !caller.admin() : !caller.mayActFor(whose)) {
            return Uni.createFrom().failure(SchedulerException.forbidden("only admins may list the jobs of "
                    + (whose.equals(ALL_OWNERS) ? "everyone" : "another user")));
        }
        JobCursor after = cursor.map(JobCursor::decode).orElse(null);
        return store.list(pool, whose.equals(ALL_OWNERS) ? null : whose, state.orElse(null), after, limit + 1)
                .map(jobs -> {
                    List<Job> page = jobs.size() > limit ? jobs.subList(0, limit) : jobs;
                    Job last = page.isEmpty() ? null : page.get(page.size() - 1);
                    String next = jobs.size() > limit ? new JobCursor(last.submittedAt(), last.id()).encode() : null;
                    return new JobList(page.stream().map(this::info).toList(), next);
                });
    }

    /** A page of the job's history, oldest first; the cursor is the last entry's position. */
    public Uni<JobEventList> events(Caller caller, String jobId, int limit, Optional<String> cursor) {
        long after = cursor.map(JobService::eventCursor).orElse(0L);
        return find(caller, jobId).chain(job -> store.events(pool, jobId, after, limit + 1)).map(events -> {
            List<JobEvent> page = (events.size() > limit ? events.subList(0, limit) : events).stream()
                    .map(e -> e.withWorkerName(names.name(e.workerId()))).toList();
            String next = events.size() > limit ? Long.toString(page.get(page.size() - 1).seq()) : null;
            return new JobEventList(jobId, page, next);
        });
    }

    public Uni<JobInfo> cancel(Caller caller, String jobId) {
        return transitions.apply(jobId, job -> caller.mayActFor(job.owner()), (tx, job) -> job.cancel(tx))
                .map(job -> info(found(job, jobId)))
                .invoke(cancelled -> {
                    pruning.afterCommit(jobId);
                    changes.fire(new JobsChanged(jobId));
                });
    }

    /** The job's output (the tar of its outputPath at exit), streamed from the store. */
    public Uni<StoreClient.Download> output(Caller caller, String jobId) {
        return find(caller, jobId).chain(job -> {
            if (job.outputBlobId() == null) {
                return Uni.createFrom().failure(SchedulerException.notFound("no_output", "job " + jobId
                        + " has no output" + (job.spec().outputPath() == null ? ": it was submitted without an output "
                        + "path" : job.state().terminal() ? ": it exited without one" : " yet: it has not exited")));
            }
            return blobs.get(BlobKind.OUTPUTS, job.outputBlobId()).map(download -> download.orElseThrow(() ->
                    SchedulerException.notFound("no_output", "the output of job " + jobId
                            + " is no longer in the store (its retention removed it)")));
        });
    }

    /** The job if the caller may see it; 404 alike for a missing job and another user's, which is not to be known. */
    public Uni<Job> find(Caller caller, String jobId) {
        return store.find(pool, jobId).map(job -> found(job != null && caller.mayActFor(job.owner()) ? job : null,
                jobId));
    }

    private JobInfo info(Job job) {
        JobInfo info = job.toInfo(names.name(job.workerId()));
        if (job.state() != JobState.RUNNING || job.workerId() == null) {
            return info;
        }
        return info.suspended(owners.presence(job.workerId())
                .flatMap(presence -> presence.suspendedSince(job.id(), job.epoch())).orElse(null));
    }

    private static long eventCursor(String cursor) {
        try {
            long seq = Long.parseLong(cursor);
            if (seq < 0) {
                throw new NumberFormatException();
            }
            return seq;
        } catch (NumberFormatException e) {
            throw SchedulerException.invalidCursor();
        }
    }

    /** Moves a running job to {@code target}, or where the policy expects it to finish earliest. */
    public Uni<JobInfo> migrate(Caller caller, String jobId, Optional<String> target) {
        return find(caller, jobId).chain(found -> {
            requireMovable(found);
            return directory.workers().onFailure().transform(failure ->
                    SchedulerException.unavailable(failure instanceof RegistryUnavailableException ? failure.getMessage()
                            : "the worker registry cannot be reached: " + failure.getMessage()))
                    .chain(workers -> store.active(pool).map(active -> {
                        names.remember(workers);
                        var snapshot = Snapshots.of(clock.instant(), workers, active, learner.current(),
                                owners.known());
                        return policy.migrationTarget(snapshot, jobId, target.map(t -> workerId(workers, t)));
                    }));
        }).chain(choice -> {
            if (choice instanceof MigrationTarget.Refused refused) {
                return Uni.createFrom().failure(SchedulerException.conflict(refused.code(), refused.message()));
            }
            MigrationTarget.Chosen chosen = (MigrationTarget.Chosen) choice;
            return transitions.apply(jobId, job -> caller.mayActFor(job.owner()), (tx, job) -> {
                requireMovable(job);
                job.startMigration(tx, chosen.workerId(), chosen.facts(), "MANUAL");
            }).map(job -> info(found(job, jobId)));
        });
    }

    /** A worker id, or the id of the one PC with that name; unknown names stay as they are (the policy says so). */
    private static String workerId(List<WorkerInfo> workers, String idOrName) {
        if (workers.stream().anyMatch(w -> w.workerId().equals(idOrName))) {
            return idOrName;
        }
        List<WorkerInfo> named = workers.stream().filter(w -> idOrName.equals(w.registration().hostname())).toList();
        if (named.size() > 1) {
            throw SchedulerException.conflict("ambiguous_worker", named.size() + " PCs are named " + idOrName
                    + "; give a worker id (" + named.stream().map(WorkerInfo::workerId).toList() + ")");
        }
        return named.isEmpty() ? idOrName : named.get(0).workerId();
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
