package dev.upc.servicehttp;

import dev.upc.protocol.ErrorResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Answers every {@code /api/} call 503 while {@link ReadinessProblems} has a problem: the service cannot do its work
 * (no schema, no key), and "not ready: database ... unreachable" tells the caller more than the 500 it would meet.
 * Health, metrics and API docs stay open.
 */
public class NotReadyGate {

    /** Seconds a client should wait before trying again: about one readiness probe period. */
    static final String RETRY_AFTER = "5";

    private final ReadinessProblems problems;

    NotReadyGate(ReadinessProblems problems) {
        this.problems = problems;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<RestResponse<ErrorResponse>> refuseWhileNotReady(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return Optional.empty();
        }
        Map<String, String> current = problems.current();
        if (current.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(notReady(String.join("; ", current.values())));
    }

    static RestResponse<ErrorResponse> notReady(String reason) {
        RestResponse<ErrorResponse> response = ErrorResponses.of(503, "not_ready", "not ready: " + reason);
        return RestResponse.ResponseBuilder.create(response.getStatusInfo(), response.getEntity())
                .type(jakarta.ws.rs.core.MediaType.APPLICATION_JSON_TYPE).header("Retry-After", RETRY_AFTER).build();
    }
}
