package dev.upc.servicehttp.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.Tokens;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The audit trail: one JSON line per security-relevant act on the log category {@value #CATEGORY} — every token a
 * service issues, and every change an admin, a user or an enrolling PC asks for ({@link AuditedRequests}), with who
 * asked and what came of it. What a PC's agent does on its own jobs (heartbeats, events, logs, blob transfers) is its
 * protocol, counted in metrics, not audited. Route the category to a file or a collector like any log
 * ({@code quarkus.log.category."upc.audit"}); the lines never hold a token or a secret, only their ids.
 */
@Singleton
public class AuditTrail {

    public static final String CATEGORY = "upc.audit";
    private static final Logger LOG = Logger.getLogger(CATEGORY);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final String service;
    private final Instance<CurrentVertxRequest> request;

    AuditTrail(Clock clock, @ConfigProperty(name = "quarkus.application.name") String service,
               Instance<CurrentVertxRequest> request) {
        this.clock = clock;
        this.service = service;
        this.request = request;
    }

    /**
     * A token was issued. {@code details} say what it is for (a capability's blob and operation, a user token's id),
     * never the token itself.
     */
    public void tokenIssued(Tokens.Kind kind, String subject, Instant expiresAt, Map<String, ?> details) {
        if (!LOG.isInfoEnabled()) {
            return; // the trail is off: capabilities are minted for every command, build no line for nothing
        }
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("kind", kind.label());
        token.put("subject", subject);
        token.put("expiresAt", expiresAt.toString());
        token.putAll(details);
        Map<String, Object> line = line(actor(), "token.issue");
        line.put("token", token);
        write(line);
    }

    /**
     * A change asked for outside Quarkus REST (the store's blob routes, which authenticate by themselves): the token's
     * subject and kind, {@code METHOD path}, the status.
     */
    public void change(String subject, String kind, String method, String path, int status) {
        request(new Actor(subject, kind), method, path, status);
    }

    /** A request that asks for a change, answered {@code status}. */
    void request(Actor actor, String method, String path, int status) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Map<String, Object> line = line(actor, method + " " + path);
        line.put("status", status);
        write(line);
    }

    private Map<String, Object> line(Actor actor, String action) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", Instant.now(clock).toString());
        line.put("service", service);
        line.put("actor", actor.name());
        line.put("actorKind", actor.kind());
        line.put("action", action);
        return line;
    }

    private void write(Map<String, Object> line) {
        try {
            LOG.info(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            LOG.errorf("cannot write an audit line for %s: %s", line.get("action"), e.getMessage());
        }
    }

    /**
     * Who is asking: the caller of the current request as far as it is already known (never resolved here, which
     * could block), anonymous for a request without one (an enrolment with the join token), else the service itself
     * (a token it mints on its own).
     */
    Actor actor() {
        ArcContainer container = Arc.container(); // null once the service stopped
        RoutingContext routing = container == null || !container.requestContext().isActive() ? null
                : request.get().getCurrent();
        if (routing == null) {
            return new Actor(service, Tokens.SERVICE);
        }
        return routing.user() instanceof QuarkusHttpUser user ? Actor.of(user.getSecurityIdentity()) : Actor.ANONYMOUS;
    }
}
