package dev.upc.e2e.cluster;

import dev.upc.protocol.ErrorResponse;
import java.util.Optional;

/** A UPC service answered a request with an error status; carries its {@link ErrorResponse} when it sent one. */
public final class ApiException extends RuntimeException {

    private final int status;
    private final transient ErrorResponse error;

    ApiException(String request, int status, ErrorResponse error, String rawBody) {
        super(request + " answered HTTP " + status + ": "
                + (error != null ? error.error() + ": " + error.message() : rawBody));
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    /** The service's error body; empty if the body was not an ErrorResponse. */
    public Optional<ErrorResponse> error() {
        return Optional.ofNullable(error);
    }
}
