package dev.upc.agent;

import dev.upc.agent.lifecycle.AgentStatus;
import dev.upc.agent.libpod.PodmanHost;
import dev.upc.agent.state.CachedBenchmark;
import dev.upc.agent.state.CachedPodman;
import dev.upc.agent.state.ManagedContainer;
import dev.upc.agent.state.StateSnapshot;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommands;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventReply;
import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.BlobToken;
import dev.upc.protocol.BlobTokenRequest;
import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.ErrorResponse;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.HeartbeatReply;
import dev.upc.protocol.JobInput;
import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobLogChunk;
import dev.upc.protocol.JobLogLine;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.WorkerRegistered;
import dev.upc.protocol.WorkerRegistration;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The records the agent reads and writes as JSON ({@link dev.upc.agent.json.JsonRecords}: record components, canonical
 * constructors, and the {@code @JsonValue} method of an enum like {@link BlobKind}, all by reflection). A GraalVM native
 * image keeps only what is reachable: list them here so {@code -Pnative} works without guesswork.
 */
@RegisterForReflection(targets = {AgentCommand.class, AgentCommands.class, AgentEvent.class, AgentEventReply.class,
        BlobInfo.class, BlobToken.class, BlobTokenRequest.class, ContainerReport.class, ErrorResponse.class,
        ErrorResponse.FieldError.class, Heartbeat.class, HeartbeatReply.class, JobSubmission.class, JobInput.class,
        JobLogChunk.class, JobLogLine.class, JobLogAck.class,
        WorkerRegistered.class, WorkerRegistration.class, AgentStatus.class, AgentStatus.Container.class,
        StateSnapshot.class, ManagedContainer.class, CachedBenchmark.class, CachedPodman.class, PodmanHost.class,
        BlobKind.class})
final class NativeReflection {

    private NativeReflection() {
    }
}
