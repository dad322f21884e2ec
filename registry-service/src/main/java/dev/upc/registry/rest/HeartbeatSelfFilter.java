package dev.upc.registry.rest;

import dev.upc.registry.service.NotYourWorkerException;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * A PC heartbeats only for itself: checked as soon as the call is matched, before its body is read or validated, so
 * another PC's token gets a 403 and learns nothing about what the body lacked.
 */
public class HeartbeatSelfFilter {

    private final JsonWebToken caller;

    HeartbeatSelfFilter(JsonWebToken caller) {
        this.caller = caller;
    }

    @ServerRequestFilter
    public void requireSelf(SimpleResourceInfo resource, UriInfo uri) {
        if (resource.getResourceClass() != WorkerResource.class || !resource.getMethodName().equals("heartbeat")) {
            return;
        }
        String workerId = uri.getPathParameters().getFirst("workerId");
        if (workerId == null || !workerId.equals(caller.getSubject())) {
            throw new NotYourWorkerException(String.valueOf(workerId));
        }
    }
}
