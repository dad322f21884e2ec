package dev.upc.scheduler.job;

import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.scheduler.policy.HostFacts;
import java.time.Instant;
import java.util.Map;

/**
 * A {@link Job} as the {@code jobs} table stores it, column for column: what {@code JobStore} reads and writes, and
 * nothing else uses. The job itself is where its rules live.
 */
public record JobRow(String id, JobSubmission spec, String owner, Instant submittedAt, JobState state, JobOp op,
                     long epoch, String workerId, HostFacts workerFacts, Instant placedAt, String targetWorkerId,
                     HostFacts targetFacts, String migrationReason, Instant migrationStartedAt,
                     Map<String, Object> migrationCheckpoint, String keptWorkerId, Long keptEpoch, long checkpointSeq,
                     String pendingBlobId, String checkpointBlobId, HostFacts checkpointFacts, Long checkpointBytes,
                     Instant lastCheckpointAt, double checkpointCpuSeconds, Double cpuSeconds, double cpuBase,
                     int retries, Integer exitCode, String reason, String outputBlobId, String waitingReason,
                     Instant updatedAt, Instant startedAt, Instant finishedAt) {
}
