package dev.upc.scheduler.rest;

import dev.upc.scheduler.access.RevokedWorkers;
import dev.upc.scheduler.service.SchedulerException;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * An agent acts only for itself: the worker a call of {@link AgentResource} names is the token's, and not revoked.
 * Checked as soon as the call is matched, before its body is read or validated, so another PC learns nothing from the
 * answer (a 403, never a 400 about the body) and costs nothing to refuse.
 */
public class WorkerSelfFilter {

    private final JsonWebToken caller;
    private final RevokedWorkers revoked;

    WorkerSelfFilter(JsonWebToken caller, RevokedWorkers revoked) {
        this.caller = caller;
        this.revoked = revoked;
    }

    @ServerRequestFilter
    public void requireSelf(SimpleResourceInfo resource, UriInfo uri) {
        if (resource.getResourceClass() != AgentResource.class) {
            return;
        }
        String workerId = uri.getPathParameters().getFirst("workerId");
        if (workerId == null || !workerId.equals(caller.getSubject())) {
            throw SchedulerException.notYourWorker(String.valueOf(workerId));
        }
        if (revoked.revoked(workerId)) {
            throw SchedulerException.workerRevoked(workerId);
        }
    }
}
