package dev.upc.servicehttp;

import dev.upc.protocol.ErrorResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.net.URI;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a path or query that is not clean text ({@link CleanText}) with 400 before anything else looks at it: no
 * token check, no body read, no database query with a NUL in it.
 */
public class CleanRequestLine {

    @ServerRequestFilter(preMatching = true)
    public Optional<RestResponse<ErrorResponse>> refuseUncleanText(ContainerRequestContext request) {
        URI uri = request.getUriInfo().getRequestUri();
        Optional<String> path = CleanText.problemInRaw(uri.getRawPath());
        if (path.isPresent()) {
            return Optional.of(ErrorResponses.of(400, "invalid_text", "the request's path " + path.get()));
        }
        return CleanText.problemInRaw(uri.getRawQuery())
                .map(problem -> ErrorResponses.of(400, "invalid_text", "the request's query " + problem));
    }
}
