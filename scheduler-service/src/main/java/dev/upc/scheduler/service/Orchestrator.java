package dev.upc.scheduler.service;

import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventReply.Outcome;
import dev.upc.protocol.AgentEventType;
import dev.upc.protocol.CheckpointId;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobState;
import dev.upc.scheduler.metrics.SchedulerMetrics;
import dev.upc.scheduler.policy.HostFacts;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job lifecycle as state transitions on a locked {@link Job}: what the planner's decisions and the agents' events
 * do to a job, and which commands they send. Synchronous: every method only changes the job and queues writes on the
 * {@link Tx}; the caller runs them in its transaction.
 *
 * <p>Fencing: every RUN, RESTORE and rollback increments the epoch and names the container
 * {@code upc-<jobId>-<epoch>}. An event about a container that is not the job's current one (older epoch, another
 * worker, a finished job) changes nothing and is answered with a KILL (container running) or CLEANUP (stopped) of
 * that container. A migration source keeps its stopped container (the job's {@code prev}) until the target confirms
 * RESTORED, so a failed restore can roll back to it.
 */
@ApplicationScoped
public class Orchestrator {

    private final SchedulerMetrics metrics;

    Orchestrator(SchedulerMetrics metrics) {
        this.metrics = metrics;
    }

    // ---- the planner's decisions --------------------------------------------------------------------------------

    /** A queued job goes to a worker: RUN, or RESTORE from its newest checkpoint. */
    public void place(Tx tx, Job job, String workerId, HostFacts facts, boolean fromCheckpoint) {
        boolean restore = fromCheckpoint && job.checkpointBlobId != null;
        job.epoch++;
        job.state = JobState.PLACED;
        job.op = null;
        job.workerId = workerId;
        job.workerFacts = facts;
        job.placedAt = tx.now();
        if (restore) {
            job.cpuBase = job.checkpointCpuSeconds;
            job.cpuSeconds = job.cpuBase;
            tx.command(workerId, job, job.epoch, AgentCommandType.RESTORE,
                    new CommandPayload(job.spec, job.checkpointBlobId, false));
        } else {
            job.cpuBase = 0;
            job.cpuSeconds = 0.0;
            job.checkpointBlobId = null;
            tx.command(workerId, job, job.epoch, AgentCommandType.RUN, new CommandPayload(job.spec, null, false));
        }
        tx.event(job, JobEventType.PLACED, workerId, "fromCheckpoint", restore, "blobId", restore ? job.checkpointBlobId : null);
        tx.save(job);
    }

    /** Checkpoint on the source (stopping it), then restore on {@code target} once CHECKPOINTED arrives. */
    public void startMigration(Tx tx, Job job, String target, HostFacts targetFacts, String reason) {
        String blobId = nextCheckpoint(job);
        job.state = JobState.MIGRATING;
        job.op = Job.Op.MIGRATE_CHECKPOINT;
        job.targetWorkerId = target;
        job.targetFacts = targetFacts;
        job.migrationReason = reason;
        job.migrationStartedAt = tx.now();
        job.migrationCheckpoint = null;
        tx.command(job.workerId, job, job.epoch, AgentCommandType.CHECKPOINT, new CommandPayload(null, blobId, false));
        tx.event(job, JobEventType.MIGRATION_STARTED, job.workerId, "from", job.workerId, "to", target, "reason", reason,
                "blobId", blobId);
        tx.save(job);
    }

    /** Checkpoint and take the job off its worker; it waits in the queue with the checkpoint. */
    public void evict(Tx tx, Job job, String reason) {
        String blobId = nextCheckpoint(job);
        job.state = JobState.MIGRATING;
        job.op = Job.Op.EVICT_CHECKPOINT;
        job.migrationReason = reason;
        job.migrationStartedAt = tx.now();
        tx.command(job.workerId, job, job.epoch, AgentCommandType.CHECKPOINT, new CommandPayload(null, blobId, false));
        tx.event(job, JobEventType.MIGRATION_STARTED, job.workerId, "from", job.workerId, "reason", reason,
                "blobId", blobId, "evict", true);
        tx.save(job);
    }

    /** A checkpoint that leaves the job running, to bound the work lost if its PC vanishes. */
    public void periodicCheckpoint(Tx tx, Job job) {
        String blobId = nextCheckpoint(job);
        job.op = Job.Op.CHECKPOINT;
        tx.command(job.workerId, job, job.epoch, AgentCommandType.CHECKPOINT, new CommandPayload(null, blobId, true));
        tx.save(job);
    }

    /** The job's worker is lost: back to the queue (from its checkpoint or from scratch); the lost copy is fenced. */
    public void recover(Tx tx, Job job, boolean fromCheckpoint) {
        String lost = job.workerId;
        fenceContainers(tx, job);
        job.state = JobState.QUEUED;
        job.op = null;
        job.workerId = null;
        job.targetWorkerId = null;
        job.retries++;
        if (!fromCheckpoint) {
            job.checkpointBlobId = null;
        }
        tx.event(job, JobEventType.RECOVERED, lost, "fromCheckpoint", fromCheckpoint && job.checkpointBlobId != null,
                "blobId", job.checkpointBlobId, "retries", job.retries);
        tx.save(job);
    }

    public void fail(Tx tx, Job job, String reason) {
        fenceContainers(tx, job);
        finish(tx, job, JobState.FAILED, reason);
        tx.save(job);
    }

    /** Cancel: a queued job at once; a placed one after a KILL of its container (and of a kept source container). */
    public void cancel(Tx tx, Job job) {
        if (job.state.terminal()) {
            throw SchedulerException.conflict("job_finished", "job " + job.id + " is already " + job.state);
        }
        fenceContainers(tx, job);
        finish(tx, job, JobState.CANCELLED, "cancelled");
        tx.save(job);
    }

    // ---- the agents' events -------------------------------------------------------------------------------------

    /** Applies an agent's (validated, first-seen) event about {@code command} to its job. */
    public Outcome onEvent(Tx tx, Job job, StoredCommand command, AgentEvent event) {
        if (command.type() == AgentCommandType.KILL || command.type() == AgentCommandType.CLEANUP) {
            return Outcome.APPLIED; // the acknowledgement is all there is
        }
        if (isStale(job, command)) {
            boolean running = event.type() == AgentEventType.STARTED || event.type() == AgentEventType.RESTORED
                    || (event.type() == AgentEventType.CHECKPOINTED && command.payload().leaveRunning())
                    || (event.type() == AgentEventType.FAILED && command.type() == AgentCommandType.CHECKPOINT);
            AgentCommandType answer = running ? AgentCommandType.KILL : AgentCommandType.CLEANUP;
            tx.command(command.workerId(), job, command.epoch(), answer, CommandPayload.none());
            tx.event(job, JobEventType.STALE_EVENT, command.workerId(), "eventType", event.type().name(),
                    "eventEpoch", command.epoch(), "answer", answer.name());
            return Outcome.STALE;
        }
        if (event.cpuSeconds() != null) {
            job.cpuSeconds = job.cpuBase + event.cpuSeconds(); // the container's counter starts at its restore
        }
        switch (event.type()) {
            case STARTED, RESTORED -> running(tx, job, command, event);
            case CHECKPOINTED -> checkpointed(tx, job, command, event);
            case EXITED -> exited(tx, job, event);
            case FAILED -> failed(tx, job, command, event);
        }
        tx.save(job);
        return Outcome.APPLIED;
    }

    private boolean isStale(Job job, StoredCommand command) {
        return job.state.terminal() || command.epoch() != job.epoch || !command.workerId().equals(job.workerId)
                || job.state == JobState.QUEUED;
    }

    private void running(Tx tx, Job job, StoredCommand command, AgentEvent event) {
        if (job.state == JobState.MIGRATING && (job.op == Job.Op.MIGRATE_RESTORE || job.op == Job.Op.ROLLBACK_RESTORE)) {
            if (job.op == Job.Op.MIGRATE_RESTORE) {
                migrated(tx, job, event);
            } else {
                tx.event(job, JobEventType.STARTED, job.workerId, "restored", true, "rollback", true,
                        "restoreMillis", event.restoreMillis());
            }
            job.placedAt = tx.now();
        } else if (job.state == JobState.PLACED) {
            tx.event(job, JobEventType.STARTED, job.workerId, "restored", command.type() == AgentCommandType.RESTORE,
                    "restoreMillis", event.restoreMillis(), "transferMillis", event.transferMillis());
        } else {
            return; // already running: nothing new
        }
        job.state = JobState.RUNNING;
        job.op = null;
        job.targetWorkerId = null;
        if (job.startedAt == null) {
            job.startedAt = tx.now();
        }
        cleanupPrevious(tx, job);
    }

    private void migrated(Tx tx, Job job, AgentEvent event) {
        Map<String, Object> checkpoint = job.migrationCheckpoint == null ? Map.of() : job.migrationCheckpoint;
        long downtime = job.migrationStartedAt == null ? 0 : Duration.between(job.migrationStartedAt, tx.now()).toMillis();
        long transfer = number(checkpoint.get("transferMillis")) + (event.transferMillis() == null ? 0 : event.transferMillis());
        tx.event(job, JobEventType.MIGRATED, job.workerId, "from", job.prevWorkerId, "to", job.workerId,
                "reason", job.migrationReason, "blobId", job.checkpointBlobId,
                "checkpointMillis", checkpoint.get("checkpointMillis"), "sizeBytes", checkpoint.get("sizeBytes"),
                "transferMillis", transfer, "restoreMillis", event.restoreMillis(), "downtimeMillis", downtime);
        metrics.migrated(job.migrationReason, Duration.ofMillis(downtime));
    }

    private void checkpointed(Tx tx, Job job, StoredCommand command, AgentEvent event) {
        String blobId = command.payload().blobId();
        boolean leaveRunning = command.payload().leaveRunning();
        HostFacts origin = job.workerFacts;
        tx.write(() -> tx.store().checkpoint(tx.connection(), job, command.workerId(), command.epoch(), blobId,
                event.sizeBytes(), event.sha256(), origin, leaveRunning, event.checkpointMillis(),
                event.transferMillis(), tx.now()));
        job.checkpointBlobId = blobId;
        job.checkpointFacts = job.workerFacts;
        job.checkpointBytes = event.sizeBytes();
        job.checkpointCpuSeconds = job.cpuSeconds == null ? 0 : job.cpuSeconds;
        job.lastCheckpointAt = tx.now();
        tx.event(job, JobEventType.CHECKPOINTED, job.workerId, "blobId", blobId, "sizeBytes", event.sizeBytes(),
                "sha256", event.sha256(), "checkpointMillis", event.checkpointMillis(),
                "transferMillis", event.transferMillis(), "leaveRunning", leaveRunning);
        if (job.op == Job.Op.CHECKPOINT) {
            job.op = null;
        } else if (job.op == Job.Op.MIGRATE_CHECKPOINT) {
            Map<String, Object> timings = new LinkedHashMap<>();
            putIfPresent(timings, "checkpointMillis", event.checkpointMillis());
            putIfPresent(timings, "transferMillis", event.transferMillis());
            putIfPresent(timings, "sizeBytes", event.sizeBytes());
            job.migrationCheckpoint = timings;
            job.prevWorkerId = job.workerId;
            job.prevEpoch = job.epoch;
            job.epoch++;
            job.workerId = job.targetWorkerId;
            job.workerFacts = job.targetFacts;
            job.targetWorkerId = null;
            job.op = Job.Op.MIGRATE_RESTORE;
            job.placedAt = tx.now();
            job.cpuBase = job.checkpointCpuSeconds;
            tx.command(job.workerId, job, job.epoch, AgentCommandType.RESTORE, new CommandPayload(job.spec, blobId, false));
        } else if (job.op == Job.Op.EVICT_CHECKPOINT) {
            tx.command(job.workerId, job, job.epoch, AgentCommandType.CLEANUP, CommandPayload.none());
            tx.event(job, JobEventType.EVICTED, job.workerId, "reason", job.migrationReason, "blobId", blobId);
            metrics.evicted(job.migrationReason);
            job.state = JobState.QUEUED;
            job.op = null;
            job.workerId = null;
        }
    }

    private void exited(Tx tx, Job job, AgentEvent event) {
        int exitCode = event.exitCode() == null ? -1 : event.exitCode();
        job.exitCode = exitCode;
        tx.event(job, JobEventType.EXITED, job.workerId, "exitCode", exitCode, "cpuSeconds", event.cpuSeconds(),
                "outputBlobId", event.outputBlobId());
        tx.command(job.workerId, job, job.epoch, AgentCommandType.CLEANUP, CommandPayload.none());
        cleanupPrevious(tx, job);
        if (exitCode == 0) {
            finish(tx, job, JobState.SUCCEEDED, null);
        } else {
            retryOrFail(tx, job, "exited with code " + exitCode, false);
        }
    }

    private void failed(Tx tx, Job job, StoredCommand command, AgentEvent event) {
        String reason = event.reason() == null ? "the agent reported a failure" : event.reason();
        switch (command.type()) {
            case CHECKPOINT -> {
                if (job.op == Job.Op.EVICT_CHECKPOINT) {
                    // The owner wants the PC back and the job cannot be saved: stop it, resume from the last checkpoint.
                    tx.command(job.workerId, job, job.epoch, AgentCommandType.KILL, CommandPayload.none());
                    tx.event(job, JobEventType.EVICTED, job.workerId, "reason", job.migrationReason,
                            "checkpointFailed", reason, "blobId", job.checkpointBlobId);
                    job.state = JobState.QUEUED;
                    job.workerId = null;
                } else {
                    tx.event(job, job.op == Job.Op.MIGRATE_CHECKPOINT ? JobEventType.MIGRATION_FAILED
                            : JobEventType.CHECKPOINT_FAILED, job.workerId, "reason", reason);
                    job.state = JobState.RUNNING; // a failed dump leaves the container running
                }
                job.op = null;
                job.targetWorkerId = null;
            }
            case RESTORE -> {
                tx.command(job.workerId, job, job.epoch, AgentCommandType.CLEANUP, CommandPayload.none());
                if (job.op == Job.Op.MIGRATE_RESTORE && job.prevWorkerId != null) {
                    // Roll back: restore the same archive on the source, which kept its stopped container.
                    String failedOn = job.workerId;
                    job.epoch++;
                    job.workerId = job.prevWorkerId;
                    job.workerFacts = job.checkpointFacts;
                    job.op = Job.Op.ROLLBACK_RESTORE;
                    job.placedAt = tx.now();
                    job.cpuBase = job.checkpointCpuSeconds;
                    tx.command(job.workerId, job, job.epoch, AgentCommandType.RESTORE,
                            new CommandPayload(job.spec, job.checkpointBlobId, false));
                    tx.event(job, JobEventType.MIGRATION_FAILED, failedOn, "reason", reason, "rolledBackTo", job.workerId);
                } else {
                    if (job.op != null) {
                        tx.event(job, JobEventType.MIGRATION_FAILED, job.workerId, "reason", reason, "requeued", true);
                    }
                    retryOrFail(tx, job, "restore failed: " + reason, true);
                }
            }
            default -> retryOrFail(tx, job, "start failed: " + reason, false);
        }
    }

    // ---- shared steps -------------------------------------------------------------------------------------------

    private void retryOrFail(Tx tx, Job job, String reason, boolean keepCheckpoint) {
        if (job.retries >= job.maxRetries) {
            cleanupPrevious(tx, job);
            finish(tx, job, JobState.FAILED, reason + "; no retries left (" + job.retries + " of " + job.maxRetries + ")");
            return;
        }
        job.retries++;
        job.state = JobState.QUEUED;
        job.op = null;
        job.workerId = null;
        job.targetWorkerId = null;
        if (!keepCheckpoint) {
            job.checkpointBlobId = null;
        }
        job.reason = reason;
        tx.event(job, JobEventType.RETRIED, null, "reason", reason, "retries", job.retries,
                "fromCheckpoint", job.checkpointBlobId != null);
    }

    private void finish(Tx tx, Job job, JobState state, String reason) {
        job.state = state;
        job.op = null;
        job.targetWorkerId = null;
        job.finishedAt = tx.now();
        if (reason != null) {
            job.reason = reason;
        }
        JobEventType type = switch (state) {
            case SUCCEEDED -> JobEventType.SUCCEEDED;
            case CANCELLED -> JobEventType.CANCELLED;
            default -> JobEventType.FAILED;
        };
        tx.event(job, type, job.workerId, "reason", reason);
    }

    /** KILL the current container and CLEANUP a kept source container: nothing of this copy may run on. */
    private void fenceContainers(Tx tx, Job job) {
        if (job.workerId != null && job.state != JobState.QUEUED) {
            tx.command(job.workerId, job, job.epoch, AgentCommandType.KILL, CommandPayload.none());
        }
        cleanupPrevious(tx, job);
    }

    private void cleanupPrevious(Tx tx, Job job) {
        if (job.prevWorkerId != null && job.prevEpoch != null) {
            tx.command(job.prevWorkerId, job, job.prevEpoch, AgentCommandType.CLEANUP, CommandPayload.none());
            job.prevWorkerId = null;
            job.prevEpoch = null;
        }
    }

    private static String nextCheckpoint(Job job) {
        job.checkpointSeq++;
        job.pendingBlobId = new CheckpointId(job.id, job.epoch, job.checkpointSeq).blobId();
        return job.pendingBlobId;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
