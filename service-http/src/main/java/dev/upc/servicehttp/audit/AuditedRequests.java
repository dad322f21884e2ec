package dev.upc.servicehttp.audit;

import dev.upc.protocol.Tokens;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Puts every request that asks for a change (not GET, HEAD or OPTIONS) on the {@link AuditTrail}, refused or not, with
 * its caller ({@link AuditTrail#actor}: as far as the request authenticated it) and status — except the system's own
 * protocol traffic (worker, capability and service tokens: a PC's heartbeats, the scheduler handing on revocations),
 * which is not an act of a person. A PC enrolling with the join token is audited, as anonymous (it has no token of its
 * own yet).
 */
public class AuditedRequests {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    /** The kinds whose calls are the system's own protocol, not acts of a person. */
    private static final Set<String> MACHINES = Set.of(Tokens.WORKER, Tokens.SERVICE, Tokens.Kind.CAPABILITY.label());

    private final AuditTrail trail;

    AuditedRequests(AuditTrail trail) {
        this.trail = trail;
    }

    @ServerResponseFilter
    public void audit(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (READS.contains(request.getMethod()) || !path.startsWith("/api/")) {
            return;
        }
        Actor actor = trail.actor();
        if (!MACHINES.contains(actor.kind())) {
            trail.request(actor, request.getMethod(), path, response.getStatus());
        }
    }
}
