package dev.upc.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The one error body of every UPC endpoint: a 4xx or 5xx always carries this record.
 *
 * @param status  the HTTP status, repeated so a logged body is self-explanatory
 * @param error   a stable machine-readable code, e.g. {@code invalid_blob_id}, {@code forbidden}
 * @param message what went wrong and, where it helps, what to do about it
 * @param details per-field problems of a rejected body; empty when the error is not about fields
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ErrorResponse(int status, String error, String message, List<FieldError> details) {

    public ErrorResponse {
        details = details == null ? List.of() : List.copyOf(details);
    }

    public static ErrorResponse of(int status, String error, String message) {
        return new ErrorResponse(status, error, message, List.of());
    }

    /** One rejected field: its path in the body (e.g. {@code resources.memoryMiB}) and why. */
    public record FieldError(String field, String message) {
    }
}
