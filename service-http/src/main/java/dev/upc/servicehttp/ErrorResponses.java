package dev.upc.servicehttp;

import dev.upc.protocol.ErrorResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestResponse;

/** {@link ErrorResponse} bodies as responses, for {@link ProtocolErrorMappers} and each service's own mapper. */
public final class ErrorResponses {

    /** What a 401 answers with, so clients know a bearer token is expected. */
    public static final String BEARER_CHALLENGE = "Bearer realm=\"upc\"";

    private ErrorResponses() {
    }

    /**
     * The body with its own status as the HTTP status, always as JSON: also from an endpoint that produces something
     * else (a log as text, an output as a tar), an error must read as an error.
     */
    public static RestResponse<ErrorResponse> of(ErrorResponse body) {
        return RestResponse.ResponseBuilder.create(Response.Status.fromStatusCode(body.status()), body)
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    public static RestResponse<ErrorResponse> of(int status, String code, String message) {
        return of(ErrorResponse.of(status, code, message));
    }

    /** The response plus a {@value #BEARER_CHALLENGE} {@code WWW-Authenticate} header. */
    public static RestResponse<ErrorResponse> withBearerChallenge(RestResponse<ErrorResponse> response) {
        return RestResponse.ResponseBuilder.create(response.getStatusInfo(), response.getEntity())
                .type(MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE).build();
    }
}
