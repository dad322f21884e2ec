package dev.upc.agent.lifecycle;

import dev.upc.agent.control.ControlPlane;
import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.WorkerSession;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventReply;
import dev.upc.protocol.BlobToken;
import dev.upc.protocol.BlobTokenRequest;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.HeartbeatReply;
import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobLogChunk;
import dev.upc.protocol.OwnerReport;
import dev.upc.protocol.WorkerRegistered;
import dev.upc.protocol.WorkerRegistration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The registry and the scheduler as the agent's parts see them, scripted per call: each call takes the next answer
 * queued for it (a value, or a failure to throw), else its default. Every call is recorded with the token it carried.
 * Registrations hand out tokens {@code token-1}, {@code token-2}, … for worker {@code w-1}.
 */
final class ScriptedControlPlane implements ControlPlane {

    /** One call as the service saw it. */
    record Call(String method, String token, Object body) {
    }

    private final Map<String, Deque<Supplier<?>>> scripts = new ConcurrentHashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private int registrations;
    volatile Instant tokenExpiresAt = Instant.parse("2030-01-01T00:00:00Z");
    volatile DesiredState desired = DesiredState.ACTIVE;
    volatile long heartbeatIntervalSeconds = 1;

    /** Queues answers for {@code method}: values, or {@link ControlPlaneException}s to throw. */
    synchronized ScriptedControlPlane then(String method, Object... answers) {
        Deque<Supplier<?>> queue = scripts.computeIfAbsent(method, m -> new ArrayDeque<>());
        for (Object answer : answers) {
            queue.add(() -> answer);
        }
        return this;
    }

    static ControlPlaneException failure(int status, String error) {
        return new ControlPlaneException("scripted " + status + " " + error, status, error, null);
    }

    synchronized List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    @Override
    public WorkerRegistered register(WorkerRegistration registration, String joinToken, String credential) {
        return answer("register", joinToken, registration, () -> {
            synchronized (this) {
                registrations++;
                presentedCredentials.add(String.valueOf(credential));
                // As the registry: the credential only with the enrolment, i.e. to a PC that had none to present.
                return new WorkerRegistered("w-1", "token-" + registrations, tokenExpiresAt, heartbeatIntervalSeconds,
                        desired, credential == null ? "upcw_scripted" : null);
            }
        });
    }

    /** The credential each registration presented ("null" for none), in order. */
    final List<String> presentedCredentials = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public HeartbeatReply heartbeat(WorkerSession session, Heartbeat heartbeat) {
        return answer("heartbeat", session.token(), heartbeat,
                () -> new HeartbeatReply(desired, heartbeatIntervalSeconds));
    }

    @Override
    public List<AgentCommand> poll(WorkerSession session, Duration wait) {
        return answer("poll", session.token(), null, () -> {
            sleep(Math.min(wait.toMillis(), 20)); // an empty long poll: short, so tests do not spin
            return List.of();
        });
    }

    @Override
    public java.util.Set<String> placements(WorkerSession session) {
        return answer("placements", session.token(), null, java.util.Set::of);
    }

    @Override
    public AgentEventReply report(WorkerSession session, AgentEvent event) {
        return answer("report", session.token(), event,
                () -> new AgentEventReply(AgentEventReply.Outcome.APPLIED, List.of()));
    }

    @Override
    public BlobToken blobToken(WorkerSession session, BlobTokenRequest request) {
        return answer("blobToken", session.token(), request, () -> new BlobToken(request.kind(), request.id(),
                request.operation(), "blob-token", tokenExpiresAt));
    }

    @Override
    public void reportOwner(WorkerSession session, OwnerReport report) {
        answer("reportOwner", session.token(), report, () -> null);
    }

    @Override
    public JobLogAck shipLogs(WorkerSession session, JobLogChunk chunk) {
        return answer("shipLogs", session.token(), chunk, () -> new JobLogAck(0L, true, null));
    }

    @SuppressWarnings("unchecked")
    private <T> T answer(String method, String token, Object body, Supplier<T> otherwise) {
        Supplier<?> next;
        synchronized (this) {
            calls.add(new Call(method, token, body));
            Deque<Supplier<?>> queue = scripts.get(method);
            next = queue == null ? null : queue.poll();
        }
        Object answer = next == null ? otherwise.get() : next.get();
        if (answer instanceof ControlPlaneException e) {
            throw e;
        }
        return (T) answer;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
