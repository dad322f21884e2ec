package dev.upc.scheduler.job;

import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.JobEventType;
import dev.upc.scheduler.policy.HostFacts;
import java.time.Instant;

/**
 * What a transition of a {@link Job} does besides changing it: the commands it sends to agents, the entries it adds
 * to the job's history and the checkpoints it records. The caller collects them and writes them in the transaction
 * that saves the job, so all of it commits or none.
 */
public interface JobEffects {

    /** The time of the transition. */
    Instant now();

    /** A job came into being: store it (before anything else about it). */
    void created(Job job);

    /** Queue a command for the agent of {@code workerId} about the job's container of {@code epoch}. */
    void command(Job job, String workerId, long epoch, AgentCommandType type, CommandPayload payload);

    /** Add an entry to the job's history; {@code details} are key, value, key, value … (null values dropped). */
    void event(Job job, JobEventType type, String workerId, Object... details);

    /** Record a checkpoint the job's agent reported as stored. */
    void checkpointStored(Job job, StoredCheckpoint checkpoint);

    /**
     * A checkpoint in the store.
     *
     * @param origin facts of the worker that took it: where it may be restored
     */
    record StoredCheckpoint(String workerId, long epoch, String blobId, Long sizeBytes, String sha256,
                            HostFacts origin, boolean leaveRunning, Long checkpointMillis, Long transferMillis) {
    }
}
