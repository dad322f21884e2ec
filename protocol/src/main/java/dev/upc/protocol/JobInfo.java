package dev.upc.protocol;

import java.time.Instant;

/**
 * One job as the scheduler reports it ({@code GET /api/v1/jobs/{jobId}}, list entries, submit and cancel replies).
 *
 * @param id               the job's id
 * @param state            where it is in its lifecycle
 * @param epoch            its placement epoch: incremented by every placement, restore and rollback; 0 before the first
 * @param workerId         the worker running (or about to run) its current container; null while queued or finished
 * @param submission       what was submitted, with defaults applied
 * @param submittedAt      when it was accepted
 * @param updatedAt        its last change
 * @param startedAt        when an agent first confirmed it running; null before
 * @param finishedAt       when it reached a terminal state; null before
 * @param retries          restarts used so far (lost PCs, failed exits)
 * @param exitCode         the exit code of its process once exited; null before
 * @param cpuSeconds       CPU time consumed, as last reported by an agent
 * @param checkpointBlobId the newest checkpoint it would resume from, or null
 * @param reason           why it failed or was cancelled, or the last notable thing that happened to it
 * @param owner            who submitted it: the only user who may see and act on it (admins may too)
 * @param waitingReason    while QUEUED, why no PC took it yet (e.g. "no online PC has 4 free cores"); else null
 * @param hasOutput        whether {@code GET /api/v1/jobs/{jobId}/output} has its output (it exited with one)
 * @param workerName       the name of {@code workerId}'s PC (its hostname) as the scheduler last heard, or null
 * @param suspendedSince   while RUNNING: since when its PC's agent holds it suspended because the PC's owner came
 *                         back (it keeps its memory there but uses no CPU until it moves or the owner leaves); else
 *                         null
 */
public record JobInfo(String id, JobState state, long epoch, String workerId, JobSubmission submission,
                      Instant submittedAt, Instant updatedAt, Instant startedAt, Instant finishedAt, int retries,
                      Integer exitCode, Double cpuSeconds, String checkpointBlobId, String reason, String owner,
                      String waitingReason, boolean hasOutput, String workerName, Instant suspendedSince) {

    /** A job not suspended. */
    public JobInfo(String id, JobState state, long epoch, String workerId, JobSubmission submission,
                   Instant submittedAt, Instant updatedAt, Instant startedAt, Instant finishedAt, int retries,
                   Integer exitCode, Double cpuSeconds, String checkpointBlobId, String reason, String owner,
                   String waitingReason, boolean hasOutput, String workerName) {
        this(id, state, epoch, workerId, submission, submittedAt, updatedAt, startedAt, finishedAt, retries, exitCode,
                cpuSeconds, checkpointBlobId, reason, owner, waitingReason, hasOutput, workerName, null);
    }

    /** The same job, suspended since {@code since} (null: not suspended). */
    public JobInfo suspended(Instant since) {
        return new JobInfo(id, state, epoch, workerId, submission, submittedAt, updatedAt, startedAt, finishedAt,
                retries, exitCode, cpuSeconds, checkpointBlobId, reason, owner, waitingReason, hasOutput, workerName,
                since);
    }
}
