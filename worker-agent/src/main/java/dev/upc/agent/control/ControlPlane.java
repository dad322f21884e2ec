package dev.upc.agent.control;

import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventReply;
import dev.upc.protocol.BlobToken;
import dev.upc.protocol.BlobTokenRequest;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.HeartbeatReply;
import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobLogChunk;
import dev.upc.protocol.OwnerReport;
import dev.upc.protocol.WorkerRegistered;
import dev.upc.protocol.WorkerRegistration;
import java.time.Duration;
import java.util.List;

/**
 * The agent's calls to the registry and the scheduler (protocol v1). Every call throws {@link ControlPlaneException}
 * when it does not succeed; {@link HttpControlPlane} makes them over HTTP, the agent's unit tests script them.
 */
public interface ControlPlane {

    /**
     * Enrols the PC with the join token, or registers it again (same machine id, same worker id) with its own
     * {@code credential} (null before it has one); the answer to an enrolment carries the credential, once.
     */
    WorkerRegistered register(WorkerRegistration registration, String joinToken, String credential);

    HeartbeatReply heartbeat(WorkerSession session, Heartbeat heartbeat);

    /** Waits up to {@code wait} for commands; the worker's unacknowledged ones come back at once. */
    List<AgentCommand> poll(WorkerSession session, Duration wait);

    /**
     * The containers the scheduler places on this worker now ({@code upc-<jobId>-<epoch>}): after its lease lapsed, an
     * agent frees only those.
     */
    java.util.Set<String> placements(WorkerSession session);

    AgentEventReply report(WorkerSession session, AgentEvent event);

    BlobToken blobToken(WorkerSession session, BlobTokenRequest request);

    /** Tells the scheduler straight away that the owner came back or left, and which jobs are held for it. */
    void reportOwner(WorkerSession session, OwnerReport report);

    /** Lines a job's container printed; the answer says from which line on the scheduler wants more, if at all. */
    JobLogAck shipLogs(WorkerSession session, JobLogChunk chunk);
}
