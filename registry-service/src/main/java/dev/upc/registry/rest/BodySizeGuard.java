package dev.upc.registry.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.ErrorResponse;
import dev.upc.registry.config.RegistryConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a body declared longer than upc.registry.max-body-bytes with 413 and an ErrorResponse, before any
 * of it is read. (quarkus.http.limits.max-body-size stays as the backstop for chunked bodies.)
 */
@ApplicationScoped
public class BodySizeGuard {

    void install(@Observes Router router, RegistryConfig config, ObjectMapper json) throws JsonProcessingException {
        long limit = config.maxBodyBytes();
        String body = json.writeValueAsString(ErrorResponse.of(413, "payload_too_large",
                "request bodies are limited to " + limit + " bytes"));
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && declaredLength(length) > limit) {
                context.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(body);
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
