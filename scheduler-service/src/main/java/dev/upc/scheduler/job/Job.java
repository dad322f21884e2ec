package dev.upc.scheduler.job;

import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventReply.Outcome;
import dev.upc.protocol.AgentEventType;
import dev.upc.protocol.CheckpointId;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.MigrationPhases;
import dev.upc.scheduler.policy.HostFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job and its lifecycle: what the planner's decisions and the agents' events do to it, and which commands that
 * sends. A transition changes the job and tells {@link JobEffects} about its commands and history; the caller holds
 * the job's row lock and writes both in one transaction.
 *
 * <p>Fencing: every RUN, RESTORE and rollback increments the epoch and names the container
 * {@code upc-<jobId>-<epoch>}. An event about a container that is not the job's current one (older epoch, another
 * worker, a queued or finished job) changes nothing and is answered with a KILL (container running) or CLEANUP
 * (stopped) of that container. A migration's source keeps its stopped container ({@link KeptSource}) until the
 * target confirms RESTORED, so a failed restore can roll back to it.
 */
public final class Job {

    private final String id;
    private final JobSubmission spec;
    private final String owner;
    private final Instant submittedAt;

    private JobState state;
    private JobOp op;
    private long epoch;

    /** The worker of the current container (or the one it is being placed on). */
    private String workerId;
    private HostFacts workerFacts;
    private Instant placedAt;
    private Migration migration;
    private KeptSource kept;

    private long checkpointSeq;
    private String pendingBlobId;
    /** The checkpoint the job resumes from when placed again; null: it starts from scratch. */
    private String checkpointBlobId;
    private HostFacts checkpointFacts;
    private Long checkpointBytes;
    private Instant lastCheckpointAt;

    /** The job's progress in CPU seconds: {@link #cpuBase} plus what its current container reported. */
    private Double cpuSeconds;
    /** CPU seconds of the placements before the current container, up to the checkpoint it restored (0: fresh). */
    private double cpuBase;
    /** {@link #cpuSeconds} at the newest checkpoint: the base of a container restored from it. */
    private double checkpointCpuSeconds;

    private int retries;
    private Integer exitCode;
    private String reason;
    private String outputBlobId;
    private String waitingReason;
    private Instant updatedAt;
    private Instant startedAt;
    private Instant finishedAt;

    private Job(String id, JobSubmission spec, String owner, Instant submittedAt) {
        this.id = id;
        this.spec = spec;
        this.owner = owner;
        this.submittedAt = submittedAt;
    }

    /** A job just submitted by {@code owner}: QUEUED, epoch 0. */
    public static Job submit(JobEffects effects, String id, JobSubmission spec, String owner) {
        Job job = new Job(id, spec, owner, effects.now());
        job.state = JobState.QUEUED;
        job.updatedAt = effects.now();
        effects.created(job);
        effects.event(job, JobEventType.SUBMITTED, null, "by", owner);
        return job;
    }

    // ---- the planner's decisions --------------------------------------------------------------------------------

    /** A queued job goes to a worker: RUN, or RESTORE from its newest checkpoint. */
    public void place(JobEffects effects, String worker, HostFacts facts, boolean fromCheckpoint) {
        boolean restore = fromCheckpoint && checkpointBlobId != null;
        epoch++;
        state = JobState.PLACED;
        op = null;
        workerId = worker;
        workerFacts = facts;
        placedAt = effects.now();
        waitingReason = null;
        if (restore) {
            cpuBase = checkpointCpuSeconds;
            cpuSeconds = cpuBase;
            effects.command(this, worker, epoch, AgentCommandType.RESTORE,
                    new CommandPayload(spec, checkpointBlobId, false));
        } else {
            cpuBase = 0;
            cpuSeconds = 0.0;
            checkpointBlobId = null;
            effects.command(this, worker, epoch, AgentCommandType.RUN, new CommandPayload(spec, null, false));
        }
        effects.event(this, JobEventType.PLACED, worker, "fromCheckpoint", restore,
                "blobId", restore ? checkpointBlobId : null);
        touch(effects);
    }

    /**
     * Checkpoint on the source (stopping it), then restore on {@code target} once CHECKPOINTED arrives. The target
     * gets a PREFETCH for the container the RESTORE will name at the same time, so it fetches the checkpoint while the
     * source uploads it; it restores nothing before the RESTORE.
     */
    public void startMigration(JobEffects effects, String target, HostFacts targetFacts, String why) {
        String blobId = nextCheckpoint();
        state = JobState.MIGRATING;
        op = JobOp.MIGRATE_CHECKPOINT;
        migration = new Migration(target, targetFacts, why, effects.now(), null);
        effects.command(this, target, epoch + 1, AgentCommandType.PREFETCH, new CommandPayload(spec, blobId, false));
        effects.command(this, workerId, epoch, AgentCommandType.CHECKPOINT, new CommandPayload(spec, blobId, false));
        effects.event(this, JobEventType.MIGRATION_STARTED, workerId, "from", workerId, "to", target, "reason", why,
                "blobId", blobId);
        touch(effects);
    }

    /** Checkpoint and take the job off its worker; it waits in the queue with the checkpoint. */
    public void evict(JobEffects effects, String why) {
        String blobId = nextCheckpoint();
        state = JobState.MIGRATING;
        op = JobOp.EVICT_CHECKPOINT;
        migration = new Migration(null, null, why, effects.now(), null);
        effects.command(this, workerId, epoch, AgentCommandType.CHECKPOINT, new CommandPayload(spec, blobId, false));
        effects.event(this, JobEventType.MIGRATION_STARTED, workerId, "from", workerId, "reason", why,
                "blobId", blobId, "evict", true);
        touch(effects);
    }

    /**
     * A job that cannot be checkpointed has to leave its PC (its owner has waited long enough): killed there and back
     * to the queue, to start from scratch. Not a failure: no retry is spent.
     */
    public void restartElsewhere(JobEffects effects, String why) {
        String from = workerId;
        fenceContainers(effects);
        requeue();
        checkpointBlobId = null;
        effects.event(this, JobEventType.EVICTED, from, "reason", why, "fromScratch", true);
        touch(effects);
    }

    /** A checkpoint that leaves the job running, to bound the work lost if its PC vanishes. */
    public void periodicCheckpoint(JobEffects effects) {
        String blobId = nextCheckpoint();
        op = JobOp.CHECKPOINT;
        effects.command(this, workerId, epoch, AgentCommandType.CHECKPOINT, new CommandPayload(spec, blobId, true));
        touch(effects);
    }

    /** The job's worker is lost: back to the queue (from its checkpoint or from scratch); the lost copy is fenced. */
    public void recover(JobEffects effects, boolean fromCheckpoint) {
        String lost = workerId;
        fenceContainers(effects);
        requeue();
        retries++;
        if (!fromCheckpoint) {
            checkpointBlobId = null;
        }
        effects.event(this, JobEventType.RECOVERED, lost, "fromCheckpoint", fromCheckpoint && checkpointBlobId != null,
                "blobId", checkpointBlobId, "retries", retries);
        touch(effects);
    }

    public void fail(JobEffects effects, String why) {
        fenceContainers(effects);
        finish(effects, JobState.FAILED, why);
        touch(effects);
    }

    /** Cancel: a queued job at once; a placed one after a KILL of its container (and of a kept source container). */
    public void cancel(JobEffects effects) {
        if (state.terminal()) {
            throw new JobConflictException("job_finished", "job " + id + " is already " + state);
        }
        fenceContainers(effects);
        finish(effects, JobState.CANCELLED, "cancelled");
        touch(effects);
    }

    /** KILL or CLEANUP a container of this job that a heartbeat reported and no placement accounts for. */
    public void fenceStale(JobEffects effects, String worker, long containerEpoch, AgentCommandType answer,
                           String containerState) {
        effects.command(this, worker, containerEpoch, answer, CommandPayload.none());
        effects.event(this, JobEventType.STALE_EVENT, worker, "eventType", "HEARTBEAT", "eventEpoch", containerEpoch,
                "containerState", containerState, "answer", answer.name());
    }

    // ---- the agents' events -------------------------------------------------------------------------------------

    /** Applies an agent's (validated, first-seen) event about {@code command}. */
    public Outcome onEvent(JobEffects effects, StoredCommand command, AgentEvent event) {
        if (command.type() == AgentCommandType.KILL || command.type() == AgentCommandType.CLEANUP
                || command.type() == AgentCommandType.PREFETCH) {
            return Outcome.APPLIED; // the acknowledgement is all there is
        }
        if (isStale(command)) {
            boolean running = event.type() == AgentEventType.STARTED || event.type() == AgentEventType.RESTORED
                    || (event.type() == AgentEventType.CHECKPOINTED && command.payload().leaveRunning())
                    || (event.type() == AgentEventType.FAILED && command.type() == AgentCommandType.CHECKPOINT);
            AgentCommandType answer = running ? AgentCommandType.KILL : AgentCommandType.CLEANUP;
            effects.command(this, command.workerId(), command.epoch(), answer, CommandPayload.none());
            effects.event(this, JobEventType.STALE_EVENT, command.workerId(), "eventType", event.type().name(),
                    "eventEpoch", command.epoch(), "answer", answer.name());
            return Outcome.STALE;
        }
        if (event.cpuSeconds() != null) {
            cpuSeconds = cpuBase + event.cpuSeconds(); // the container's counter starts at its restore
        }
        switch (event.type()) {
            case STARTED, RESTORED -> running(effects, command, event);
            case CHECKPOINTED -> checkpointed(effects, command, event);
            case EXITED -> exited(effects, event);
            case FAILED -> failed(effects, command, event);
        }
        touch(effects);
        return Outcome.APPLIED;
    }

    private boolean isStale(StoredCommand command) {
        return state.terminal() || command.epoch() != epoch || !command.workerId().equals(workerId)
                || state == JobState.QUEUED;
    }

    private void running(JobEffects effects, StoredCommand command, AgentEvent event) {
        if (state == JobState.MIGRATING && (op == JobOp.MIGRATE_RESTORE || op == JobOp.ROLLBACK_RESTORE)) {
            if (op == JobOp.MIGRATE_RESTORE) {
                migrated(effects, event);
            } else {
                effects.event(this, JobEventType.STARTED, workerId, "restored", true, "rollback", true,
                        "restoreMillis", event.restoreMillis());
            }
            placedAt = effects.now();
        } else if (state == JobState.PLACED) {
            effects.event(this, JobEventType.STARTED, workerId, "restored", command.type() == AgentCommandType.RESTORE,
                    "restoreMillis", event.restoreMillis(), "transferMillis", event.transferMillis());
        } else {
            return; // already running: nothing new
        }
        state = JobState.RUNNING;
        op = null;
        migration = null;
        if (startedAt == null) {
            startedAt = effects.now();
        }
        cleanupKept(effects);
    }

    /** The MIGRATED event, with the move's downtime broken into its phases ({@link MigrationPhases}). */
    private void migrated(JobEffects effects, AgentEvent event) {
        Map<String, Object> checkpoint = migration == null || migration.checkpoint() == null ? Map.of()
                : migration.checkpoint();
        long downtime = migration == null ? 0 : Duration.between(migration.startedAt(), effects.now()).toMillis();
        MigrationPhases phases = MigrationPhases.of(downtime, number(checkpoint.get("checkpointMillis")),
                number(checkpoint.get("transferMillis")), number(event.imageMillis()), number(event.transferMillis()),
                number(event.restoreMillis()));
        List<Object> details = new ArrayList<>(List.of("to", workerId, "downtimeMillis", downtime));
        phases.details().forEach((key, value) -> details.addAll(List.of(key, value)));
        details.addAll(Arrays.asList("from", kept == null ? null : kept.workerId(),
                "reason", migration == null ? null : migration.reason(), "blobId", checkpointBlobId,
                "sizeBytes", checkpoint.get("sizeBytes")));
        effects.event(this, JobEventType.MIGRATED, workerId, details.toArray());
    }

    private void checkpointed(JobEffects effects, StoredCommand command, AgentEvent event) {
        String blobId = command.payload().blobId();
        boolean leaveRunning = command.payload().leaveRunning();
        effects.checkpointStored(this, new JobEffects.StoredCheckpoint(command.workerId(), command.epoch(), blobId,
                event.sizeBytes(), event.sha256(), workerFacts, leaveRunning, event.checkpointMillis(),
                event.transferMillis()));
        checkpointBlobId = blobId;
        checkpointFacts = workerFacts;
        checkpointBytes = event.sizeBytes();
        checkpointCpuSeconds = cpuSeconds == null ? 0 : cpuSeconds;
        lastCheckpointAt = effects.now();
        effects.event(this, JobEventType.CHECKPOINTED, workerId, "blobId", blobId, "sizeBytes", event.sizeBytes(),
                "sha256", event.sha256(), "checkpointMillis", event.checkpointMillis(),
                "transferMillis", event.transferMillis(), "leaveRunning", leaveRunning);
        if (op == JobOp.CHECKPOINT) {
            op = null;
        } else if (op == JobOp.MIGRATE_CHECKPOINT) {
            Map<String, Object> timings = new LinkedHashMap<>();
            putIfPresent(timings, "checkpointMillis", event.checkpointMillis());
            putIfPresent(timings, "transferMillis", event.transferMillis());
            putIfPresent(timings, "sizeBytes", event.sizeBytes());
            kept = new KeptSource(workerId, epoch);
            epoch++;
            workerId = migration.target();
            workerFacts = migration.targetFacts();
            migration = migration.withCheckpoint(timings).landed();
            op = JobOp.MIGRATE_RESTORE;
            placedAt = effects.now();
            cpuBase = checkpointCpuSeconds;
            effects.command(this, workerId, epoch, AgentCommandType.RESTORE, new CommandPayload(spec, blobId, false));
        } else if (op == JobOp.EVICT_CHECKPOINT) {
            effects.command(this, workerId, epoch, AgentCommandType.CLEANUP, CommandPayload.none());
            effects.event(this, JobEventType.EVICTED, workerId, "reason", migration == null ? null : migration.reason(),
                    "blobId", blobId);
            requeue();
        }
    }

    private void exited(JobEffects effects, AgentEvent event) {
        int code = event.exitCode() == null ? -1 : event.exitCode();
        exitCode = code;
        if (event.outputBlobId() != null) {
            outputBlobId = event.outputBlobId();
        }
        effects.event(this, JobEventType.EXITED, workerId, "exitCode", code, "cpuSeconds", event.cpuSeconds(),
                "outputBlobId", event.outputBlobId(), "runMillis", event.runMillis(), "reason", event.reason());
        effects.command(this, workerId, epoch, AgentCommandType.CLEANUP, CommandPayload.none());
        cleanupKept(effects);
        if (code == 0 && event.reason() == null) {
            finish(effects, JobState.SUCCEEDED, null);
        } else {
            retryOrFail(effects, "exited with code " + code + (event.reason() == null ? "" : ": " + event.reason()),
                    false);
        }
    }

    private void failed(JobEffects effects, StoredCommand command, AgentEvent event) {
        String why = event.reason() == null ? "the agent reported a failure" : event.reason();
        switch (command.type()) {
            case CHECKPOINT -> {
                if (op == JobOp.EVICT_CHECKPOINT) {
                    // The owner wants the PC back and the job cannot be saved: stop it, resume from the last checkpoint.
                    effects.command(this, workerId, epoch, AgentCommandType.KILL, CommandPayload.none());
                    effects.event(this, JobEventType.EVICTED, workerId, "reason",
                            migration == null ? null : migration.reason(), "checkpointFailed", why,
                            "blobId", checkpointBlobId);
                    state = JobState.QUEUED;
                    workerId = null;
                } else {
                    effects.event(this, op == JobOp.MIGRATE_CHECKPOINT ? JobEventType.MIGRATION_FAILED
                            : JobEventType.CHECKPOINT_FAILED, workerId, "reason", why);
                    state = JobState.RUNNING; // a failed dump leaves the container running
                }
                op = null;
                migration = null;
            }
            case RESTORE -> {
                effects.command(this, workerId, epoch, AgentCommandType.CLEANUP, CommandPayload.none());
                if (op == JobOp.MIGRATE_RESTORE && kept != null) {
                    // Roll back: restore the same archive on the source, which kept its stopped container.
                    String failedOn = workerId;
                    epoch++;
                    workerId = kept.workerId();
                    workerFacts = checkpointFacts;
                    op = JobOp.ROLLBACK_RESTORE;
                    placedAt = effects.now();
                    cpuBase = checkpointCpuSeconds;
                    effects.command(this, workerId, epoch, AgentCommandType.RESTORE,
                            new CommandPayload(spec, checkpointBlobId, false));
                    effects.event(this, JobEventType.MIGRATION_FAILED, failedOn, "reason", why,
                            "rolledBackTo", workerId);
                } else {
                    if (op != null) {
                        effects.event(this, JobEventType.MIGRATION_FAILED, workerId, "reason", why, "requeued", true);
                    }
                    // The agent refused the checkpoint itself (damaged, or asking for more than the job may have):
                    // any PC would, so the job does without it and starts again from the beginning.
                    boolean refused = event.blobId() != null && event.blobId().equals(checkpointBlobId);
                    retryOrFail(effects, "restore failed: " + why + (refused ? "; checkpoint " + checkpointBlobId
                            + " dropped: the job starts again from the beginning" : ""), !refused);
                }
            }
            default -> retryOrFail(effects, "start failed: " + why, false);
        }
    }

    // ---- shared steps -------------------------------------------------------------------------------------------

    /** Back to the queue, on no PC and with nothing under way (its checkpoint, if any, stays). */
    private void requeue() {
        state = JobState.QUEUED;
        op = null;
        workerId = null;
        migration = null;
    }

    private void retryOrFail(JobEffects effects, String why, boolean keepCheckpoint) {
        if (retries >= spec.maxRetries()) {
            cleanupKept(effects);
            finish(effects, JobState.FAILED, why + "; no retries left (" + retries + " of " + spec.maxRetries() + ")");
            return;
        }
        retries++;
        requeue();
        if (!keepCheckpoint) {
            checkpointBlobId = null;
        }
        reason = why;
        effects.event(this, JobEventType.RETRIED, null, "reason", why, "retries", retries,
                "fromCheckpoint", checkpointBlobId != null);
    }

    private void finish(JobEffects effects, JobState end, String why) {
        state = end;
        op = null;
        migration = null;
        waitingReason = null;
        finishedAt = effects.now();
        if (why != null) {
            reason = why;
        }
        JobEventType type = switch (end) {
            case SUCCEEDED -> JobEventType.SUCCEEDED;
            case CANCELLED -> JobEventType.CANCELLED;
            default -> JobEventType.FAILED;
        };
        effects.event(this, type, workerId, "reason", why);
    }

    /** KILL the current container and CLEANUP a kept source container: nothing of this copy may run on. */
    private void fenceContainers(JobEffects effects) {
        if (workerId != null && state != JobState.QUEUED) {
            effects.command(this, workerId, epoch, AgentCommandType.KILL, CommandPayload.none());
        }
        cleanupKept(effects);
    }

    private void cleanupKept(JobEffects effects) {
        if (kept != null) {
            effects.command(this, kept.workerId(), kept.epoch(), AgentCommandType.CLEANUP, CommandPayload.none());
            kept = null;
        }
    }

    private String nextCheckpoint() {
        checkpointSeq++;
        pendingBlobId = new CheckpointId(id, epoch, checkpointSeq).blobId();
        return pendingBlobId;
    }

    private void touch(JobEffects effects) {
        updatedAt = effects.now();
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    // ---- what others may ask ------------------------------------------------------------------------------------

    public JobInfo toInfo(String workerName) {
        boolean placed = !state.terminal() && state != JobState.QUEUED;
        return new JobInfo(id, state, epoch, placed ? workerId : null, spec, submittedAt, updatedAt, startedAt,
                finishedAt, retries, exitCode, cpuSeconds, checkpointBlobId, reason, owner,
                state == JobState.QUEUED ? waitingReason : null, outputBlobId != null, placed ? workerName : null);
    }

    /** Nothing in flight: a running job the planner may checkpoint or move. */
    public boolean settled() {
        return state == JobState.RUNNING && op == null;
    }

    /**
     * Whether this job may have a container of {@code containerEpoch} on {@code worker}: its current one, the kept
     * stopped source of a migration, or the target of a restore in flight (which is the current one as well, since
     * the epoch moves to the target when the RESTORE is sent).
     */
    public boolean mayHaveContainer(String worker, long containerEpoch) {
        if (state.terminal()) {
            return false;
        }
        boolean current = worker.equals(workerId) && containerEpoch == epoch;
        boolean keptSource = kept != null && worker.equals(kept.workerId()) && containerEpoch == kept.epoch();
        return current || keptSource;
    }

    /** Whether {@code worker} runs this unfinished job, is about to restore it, or keeps a stopped copy of it. */
    public boolean involves(String worker) {
        return !state.terminal() && (worker.equals(workerId) || worker.equals(targetWorkerId())
                || (kept != null && worker.equals(kept.workerId())));
    }

    /** Whether {@code worker} runs (or is placing) this unfinished job in its current epoch. */
    public boolean placedOn(String worker) {
        return !state.terminal() && state != JobState.QUEUED && worker.equals(workerId);
    }

    public String id() {
        return id;
    }

    public String name() {
        return spec.name();
    }

    public JobSubmission spec() {
        return spec;
    }

    public String owner() {
        return owner;
    }

    public Instant submittedAt() {
        return submittedAt;
    }

    public JobState state() {
        return state;
    }

    public JobOp op() {
        return op;
    }

    public long epoch() {
        return epoch;
    }

    /** The worker of the current container; null while queued. */
    public String workerId() {
        return state == JobState.QUEUED ? null : workerId;
    }

    /** The worker a migration waits to restore on, while its checkpoint is taken; else null. */
    public String targetWorkerId() {
        return migration == null ? null : migration.target();
    }

    public String checkpointBlobId() {
        return checkpointBlobId;
    }

    public HostFacts checkpointFacts() {
        return checkpointFacts;
    }

    public Long checkpointBytes() {
        return checkpointBytes;
    }

    public Instant lastCheckpointAt() {
        return lastCheckpointAt;
    }

    public HostFacts workerFacts() {
        return workerFacts;
    }

    public Instant placedAt() {
        return placedAt;
    }

    public int retries() {
        return retries;
    }

    /** Progress in CPU seconds as of the latest event. */
    public Double cpuSeconds() {
        return cpuSeconds;
    }

    /** CPU seconds before the current container: add its own reading to get the job's progress. */
    public double cpuBase() {
        return cpuBase;
    }

    public String outputBlobId() {
        return outputBlobId;
    }

    /** Why the planner left the job in the queue, as it last said; null when not queued. */
    public String waitingReason() {
        return state == JobState.QUEUED ? waitingReason : null;
    }

    // ---- persistence ---------------------------------------------------------------------------------------------

    /** The job as its database row holds it. */
    public JobRow row() {
        return new JobRow(id, spec, owner, submittedAt, state, op, epoch, workerId, workerFacts, placedAt,
                migration == null ? null : migration.target(), migration == null ? null : migration.targetFacts(),
                migration == null ? null : migration.reason(), migration == null ? null : migration.startedAt(),
                migration == null ? null : migration.checkpoint(), kept == null ? null : kept.workerId(),
                kept == null ? null : kept.epoch(), checkpointSeq, pendingBlobId, checkpointBlobId, checkpointFacts,
                checkpointBytes, lastCheckpointAt, checkpointCpuSeconds, cpuSeconds, cpuBase, retries, exitCode, reason,
                outputBlobId, waitingReason, updatedAt, startedAt, finishedAt);
    }

    /** The job a database row holds. */
    public static Job fromRow(JobRow r) {
        Job job = new Job(r.id(), r.spec(), r.owner(), r.submittedAt());
        job.state = r.state();
        job.op = r.op();
        job.epoch = r.epoch();
        job.workerId = r.workerId();
        job.workerFacts = r.workerFacts();
        job.placedAt = r.placedAt();
        job.migration = r.migrationReason() == null && r.targetWorkerId() == null ? null
                : new Migration(r.targetWorkerId(), r.targetFacts(), r.migrationReason(), r.migrationStartedAt(),
                        r.migrationCheckpoint());
        job.kept = r.keptWorkerId() == null || r.keptEpoch() == null ? null
                : new KeptSource(r.keptWorkerId(), r.keptEpoch());
        job.checkpointSeq = r.checkpointSeq();
        job.pendingBlobId = r.pendingBlobId();
        job.checkpointBlobId = r.checkpointBlobId();
        job.checkpointFacts = r.checkpointFacts();
        job.checkpointBytes = r.checkpointBytes();
        job.lastCheckpointAt = r.lastCheckpointAt();
        job.checkpointCpuSeconds = r.checkpointCpuSeconds();
        job.cpuSeconds = r.cpuSeconds();
        job.cpuBase = r.cpuBase();
        job.retries = r.retries();
        job.exitCode = r.exitCode();
        job.reason = r.reason();
        job.outputBlobId = r.outputBlobId();
        job.waitingReason = r.waitingReason();
        job.updatedAt = r.updatedAt();
        job.startedAt = r.startedAt();
        job.finishedAt = r.finishedAt();
        return job;
    }
}
