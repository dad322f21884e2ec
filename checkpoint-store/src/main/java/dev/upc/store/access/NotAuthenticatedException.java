package dev.upc.store.access;

/**
 * No bearer token, or one that is malformed, forged, expired, of another issuer or audience ({@code unauthorized}),
 * or one that breaks the token model, e.g. lives longer than its kind may ({@code invalid_token}): 401.
 */
public class NotAuthenticatedException extends RuntimeException {

    private final String error;

    public NotAuthenticatedException(String message) {
        this("unauthorized", message);
    }

    public NotAuthenticatedException(String error, String message) {
        super(message);
        this.error = error;
    }

    /** The {@code ErrorResponse.error} code. */
    public String error() {
        return error;
    }
}
