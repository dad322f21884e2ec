package dev.upc.servicehttp;

import static dev.upc.servicehttp.ErrorResponses.withBearerChallenge;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.upc.protocol.ErrorResponse;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every failure that is not a service's own as an {@link ErrorResponse}: unreadable JSON, Bean Validation, missing or
 * refused tokens (saying which check failed), bad page cursors, the framework's 4xx, and anything unexpected as a
 * 500. Maps only framework and JDK exception types and this module's own; each service maps its own typed exceptions
 * in its own mapper class, so no type has two mappers.
 */
public class ProtocolErrorMappers {

    private static final Logger LOG = Logger.getLogger(ProtocolErrorMappers.class);

    private final String failedMessage;
    private final List<String> audiences;

    ProtocolErrorMappers(@ConfigProperty(name = "quarkus.application.name") String serviceName,
                         @ConfigProperty(name = "mp.jwt.verify.audiences") Optional<List<String>> audiences) {
        this.failedMessage = serviceName + " failed; see its log";
        this.audiences = audiences.orElse(List.of());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> constraintViolation(ConstraintViolationException e) {
        List<ErrorResponse.FieldError> details = e.getConstraintViolations().stream()
                .map(v -> new ErrorResponse.FieldError(fieldPath(v), v.getMessage()))
                .sorted(Comparator.comparing(ErrorResponse.FieldError::field))
                .toList();
        String message = details.stream().map(d -> d.field() + " " + d.message()).collect(Collectors.joining("; "));
        return ErrorResponses.of(new ErrorResponse(400, "invalid_request", message, details));
    }

    /** Jackson's failures arrive bare or wrapped in a 400 WebApplicationException, depending on where they occur. */
    @ServerExceptionMapper
    public RestResponse<ErrorResponse> unreadableJson(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return ErrorResponses.of(new ErrorResponse(400, "unknown_field",
                    "unknown field '" + unknown.getPropertyName() + "'",
                    List.of(new ErrorResponse.FieldError(jsonPath(unknown), "not a field of this request"))));
        }
        if (e instanceof JsonParseException) {
            return ErrorResponses.of(400, "malformed_json", "the body is not valid JSON: " + e.getOriginalMessage());
        }
        String path = e instanceof JsonMappingException mapping ? jsonPath(mapping) : "";
        String message = path.isEmpty() ? "the body cannot be read: " + e.getOriginalMessage()
                : "field '" + path + "' has the wrong type or an invalid value";
        return ErrorResponses.of(new ErrorResponse(400, "invalid_json", message,
                path.isEmpty() ? List.of() : List.of(new ErrorResponse.FieldError(path, e.getOriginalMessage()))));
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> mismatchedInput(MismatchedInputException e) {
        return unreadableJson(e); // more specific than Quarkus' built-in mapper for it
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> unauthorized(UnauthorizedException e) {
        return withBearerChallenge(ErrorResponses.of(401, "unauthorized", "this call needs a bearer token"));
    }

    /**
     * Signature, issuer, audience, expiry (what SmallRye JWT checks) as {@code unauthorized}; a broken token rule
     * ({@link TokenRules}, reported by {@link TokenRulesAugmentor} or by SmallRye for a missing iat or exp) as
     * {@code invalid_token}. The message names the failed check.
     */
    @ServerExceptionMapper
    public RestResponse<ErrorResponse> authenticationFailed(AuthenticationFailedException e) {
        TokenFailures.Refusal refusal = TokenFailures.describe(e, audiences);
        return withBearerChallenge(ErrorResponses.of(401, refusal.error(), refusal.message()));
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> invalidToken(InvalidTokenException e) {
        return withBearerChallenge(ErrorResponses.of(401, TokenFailures.INVALID_TOKEN, e.getMessage()));
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> invalidCursor(InvalidCursorException e) {
        return ErrorResponses.of(400, "invalid_cursor", e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> forbidden(ForbiddenException e) {
        return ErrorResponses.of(403, "forbidden", "this token may not make this call");
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json);
        }
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("request failed", e);
            return ErrorResponses.of(status, "internal_error", failedMessage);
        }
        String code = switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> "client_error";
        };
        String message = e.getMessage() == null || e.getMessage().isBlank() ? code.replace('_', ' ') : e.getMessage();
        return ErrorResponses.of(status, code, message);
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> notReady(ServiceNotReadyException e) {
        return NotReadyGate.notReady(e.getMessage());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorResponse> unexpected(Exception e) {
        LOG.error("request failed", e);
        return ErrorResponses.of(500, "internal_error", failedMessage);
    }

    /** "register.registration.labels[x]" → "labels[x]": the path inside the body or the parameter name. */
    private static String fieldPath(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        String[] parts = path.split("\\.", 3);
        return parts.length == 3 ? parts[2] : parts[parts.length - 1];
    }

    private static String jsonPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
