package dev.upc.agent.control;

import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommands;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventReply;
import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.BlobToken;
import dev.upc.protocol.BlobTokenRequest;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.HeartbeatReply;
import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobLogChunk;
import dev.upc.protocol.OwnerReport;
import dev.upc.protocol.WorkerRegistered;
import dev.upc.protocol.WorkerRegistration;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLSocketFactory;

/** The agent's calls to the registry and the scheduler (protocol v1), over HTTP. */
public final class HttpControlPlane implements ControlPlane {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
    /** A long poll may take its full wait plus the network's and the scheduler's own delays. */
    private static final Duration POLL_SLACK = Duration.ofSeconds(15);

    private final URI registry;
    private final URI scheduler;
    private final Http http;

    public HttpControlPlane(URI registry, URI scheduler) {
        this(registry, scheduler, null);
    }

    /** @param tls what https connections trust ({@link dev.upc.protocol.tls.TrustedCertificates}), or null for the JVM's certificates */
    public HttpControlPlane(URI registry, URI scheduler, SSLSocketFactory tls) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.http = new Http(tls);
    }

    @Override
    public WorkerRegistered register(WorkerRegistration registration, String joinToken, String credential) {
        return http.call("POST", registry.resolve(ApiPaths.WORKERS), joinToken,
                credential == null ? java.util.Map.of() : java.util.Map.of(ApiPaths.WORKER_CREDENTIAL_HEADER, credential),
                registration, WorkerRegistered.class, CALL_TIMEOUT);
    }

    @Override
    public HeartbeatReply heartbeat(WorkerSession session, Heartbeat heartbeat) {
        return http.call("PUT", registry.resolve(path(ApiPaths.WORKER_HEARTBEAT, session.workerId())),
                session.token(), heartbeat, HeartbeatReply.class, CALL_TIMEOUT);
    }

    @Override
    public List<AgentCommand> poll(WorkerSession session, Duration wait) {
        URI uri = scheduler.resolve(path(ApiPaths.AGENT_COMMANDS, session.workerId()) + "?waitSeconds="
                + wait.toSeconds());
        AgentCommands answer = http.call("GET", uri, session.token(), null, AgentCommands.class, wait.plus(POLL_SLACK));
        return answer == null ? List.of() : answer.commands();
    }

    @Override
    public Set<String> placements(WorkerSession session) {
        URI uri = scheduler.resolve(path(ApiPaths.AGENT_COMMANDS, session.workerId()) + "?waitSeconds=0&placements=true");
        AgentCommands answer = http.call("GET", uri, session.token(), null, AgentCommands.class, CALL_TIMEOUT);
        if (answer == null || answer.placements() == null) {
            // an older scheduler: it cannot say, and freeing every job could leave two copies of one running
            throw new ControlPlaneException("the scheduler does not say what it places on this PC (older than this"
                    + " agent?): the jobs held while the lease had lapsed stay held", 501, "placements_unsupported",
                    null);
        }
        Set<String> names = new HashSet<>();
        answer.placements().forEach(p -> names.add(AgentCommand.containerName(p.jobId(), p.epoch())));
        return names;
    }

    @Override
    public AgentEventReply report(WorkerSession session, AgentEvent event) {
        return http.call("POST", scheduler.resolve(path(ApiPaths.AGENT_EVENTS, session.workerId())), session.token(),
                event, AgentEventReply.class, CALL_TIMEOUT);
    }

    @Override
    public BlobToken blobToken(WorkerSession session, BlobTokenRequest request) {
        return http.call("POST", scheduler.resolve(path(ApiPaths.AGENT_BLOB_TOKENS, session.workerId())),
                session.token(), request, BlobToken.class, CALL_TIMEOUT);
    }

    @Override
    public void reportOwner(WorkerSession session, OwnerReport report) {
        http.call("PUT", scheduler.resolve(path(ApiPaths.AGENT_OWNER, session.workerId())), session.token(), report,
                Void.class, CALL_TIMEOUT);
    }

    @Override
    public JobLogAck shipLogs(WorkerSession session, JobLogChunk chunk) {
        return http.call("POST", scheduler.resolve(path(ApiPaths.AGENT_LOGS, session.workerId())), session.token(),
                chunk, JobLogAck.class, CALL_TIMEOUT);
    }

    private static String path(String template, String workerId) {
        return template.replace("{workerId}", workerId);
    }
}
