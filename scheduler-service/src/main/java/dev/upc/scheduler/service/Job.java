package dev.upc.scheduler.service;

import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.scheduler.policy.HostFacts;
import java.time.Instant;

/**
 * A row of {@code jobs}, read under {@code FOR UPDATE}, changed by the orchestration and written back in the same
 * transaction. Mutable on purpose: it is the unit of one state transition, never shared.
 */
public final class Job {

    /** What is in flight besides the state. */
    public enum Op { CHECKPOINT, MIGRATE_CHECKPOINT, EVICT_CHECKPOINT, MIGRATE_RESTORE, ROLLBACK_RESTORE }

    public String id;
    public String name;
    public JobSubmission spec;
    public JobState state;
    public Op op;
    public long epoch;
    public String workerId;
    public HostFacts workerFacts;
    public String targetWorkerId;
    public HostFacts targetFacts;
    public String migrationReason;
    public Instant migrationStartedAt;
    public java.util.Map<String, Object> migrationCheckpoint;
    public String prevWorkerId;
    public Long prevEpoch;
    public String pendingBlobId;
    public long checkpointSeq;
    public String checkpointBlobId;
    public HostFacts checkpointFacts;
    public Long checkpointBytes;
    public Instant lastCheckpointAt;
    public int retries;
    public int maxRetries;
    /** The job's progress in CPU seconds: {@link #cpuBase} plus what its current container reported. */
    public Double cpuSeconds;
    /** CPU seconds of the placements before the current container, up to the checkpoint it restored (0: fresh). */
    public double cpuBase;
    /** {@link #cpuSeconds} at the newest checkpoint: the base of a container restored from it. */
    public double checkpointCpuSeconds;
    public Integer exitCode;
    public String reason;
    public String submittedBy;
    public Instant submittedAt;
    public Instant updatedAt;
    public Instant placedAt;
    public Instant startedAt;
    public Instant finishedAt;

    public JobInfo toInfo() {
        return new JobInfo(id, state, epoch, state.terminal() ? null : workerId, spec, submittedAt, updatedAt,
                startedAt, finishedAt, retries, exitCode, cpuSeconds, checkpointBlobId, reason, submittedBy, null, false, null);
    }

    /** Nothing in flight: a running job the planner may checkpoint or move. */
    public boolean settled() {
        return state == JobState.RUNNING && op == null;
    }
}
