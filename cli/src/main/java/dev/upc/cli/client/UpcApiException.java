package dev.upc.cli.client;

import dev.upc.protocol.ErrorResponse;
import java.net.URI;
import java.util.Optional;

/**
 * A service answered with a status outside 2xx. Carries the status, the service's {@link ErrorResponse} when the body
 * was one, and the request, so a message can name both what was asked and what was answered.
 */
public final class UpcApiException extends UpcClientException {

    private final int status;
    private final transient ErrorResponse error;
    private final String method;
    private final URI uri;
    private final String body;

    public UpcApiException(String method, URI uri, int status, ErrorResponse error, String body) {
        super(method + " " + uri + " answered " + status + ": " + describe(error, body), null);
        this.status = status;
        this.error = error;
        this.method = method;
        this.uri = uri;
        this.body = body;
    }

    public int status() {
        return status;
    }

    /** The service's error body; empty when the body was not an ErrorResponse (a proxy's page, an empty body). */
    public Optional<ErrorResponse> error() {
        return Optional.ofNullable(error);
    }

    /** The error code ({@code job_not_found}, …), or empty when the body was not an ErrorResponse. */
    public Optional<String> code() {
        return error().map(ErrorResponse::error);
    }

    public String method() {
        return method;
    }

    public URI uri() {
        return uri;
    }

    /** The raw body, at most a few KiB of it. */
    public String body() {
        return body;
    }

    /** What the service said, for humans: its message, else the start of the raw body, else the status alone. */
    public String serverMessage() {
        return describe(error, body);
    }

    private static String describe(ErrorResponse error, String body) {
        if (error != null && error.message() != null) {
            return error.message();
        }
        if (error != null && error.error() != null) {
            return error.error();
        }
        String text = body == null ? "" : body.strip();
        if (text.isEmpty()) {
            return "no details";
        }
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
