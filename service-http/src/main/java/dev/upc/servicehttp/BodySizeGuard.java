package dev.upc.servicehttp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.ErrorResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.OptionalLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a body declared longer than {@code upc.http.max-body-bytes} with 413 and an ErrorResponse, before any of it
 * is read, and closes the connection (Vert.x's own 413 for quarkus.http.limits.max-body-size has no body and comes
 * after reading; it stays as the backstop for chunked bodies). Off where the property is unset: the store streams
 * bodies of any size.
 */
@ApplicationScoped
public class BodySizeGuard {

    void install(@Observes Router router, ObjectMapper json,
                 @ConfigProperty(name = "upc.http.max-body-bytes") OptionalLong maxBodyBytes)
            throws JsonProcessingException {
        if (maxBodyBytes.isEmpty()) {
            return;
        }
        long limit = maxBodyBytes.getAsLong();
        String body = json.writeValueAsString(ErrorResponse.of(413, "payload_too_large",
                "request bodies are limited to " + limit + " bytes"));
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && declaredLength(length) > limit) {
                context.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(body)
                        .onComplete(sent -> context.request().connection().close()); // else it waits for the body
                return;
            }
            context.next();
        });
    }

    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // a garbled length is not trusted
        }
    }
}
