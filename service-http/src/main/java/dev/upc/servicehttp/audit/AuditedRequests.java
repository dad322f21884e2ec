package dev.upc.servicehttp.audit;

import dev.upc.protocol.Tokens;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Puts every request that asks for a change (not GET, HEAD or OPTIONS) on the {@link AuditTrail}, refused or not, with
 * its caller and status — except the system's own protocol traffic (worker, capability and service tokens: a PC's
 * heartbeats, the scheduler handing on revocations), which is not an act of a person. A PC enrolling with the join token is audited (it has no token of its own yet).
 */
public class AuditedRequests {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    /** The kinds whose calls are the system's own protocol, not acts of a person. */
    private static final Set<String> MACHINES = Set.of(Tokens.WORKER, Tokens.SERVICE, Tokens.Kind.CAPABILITY.label());

    private final AuditTrail trail;
    private final CurrentIdentityAssociation identity;

    AuditedRequests(AuditTrail trail, CurrentIdentityAssociation identity) {
        this.trail = trail;
        this.identity = identity;
    }

    @ServerResponseFilter
    public Uni<Void> audit(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (READS.contains(request.getMethod()) || !path.startsWith("/api/")) {
            return Uni.createFrom().voidItem();
        }
        // Without blocking: the identity of a call that needed none is resolved only now (a bad token is anonymous).
        return identity.getDeferredIdentity().onFailure().recoverWithNull().invoke(current -> {
            Actor actor = Actor.of(current);
            if (!MACHINES.contains(actor.kind())) {
                trail.request(actor, request.getMethod(), path, response.getStatus());
            }
        }).replaceWithVoid();
    }
}
