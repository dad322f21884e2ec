package dev.upc.store.access;

/** No bearer token, or one that is malformed, forged, expired or of another issuer: 401. */
public class NotAuthenticatedException extends RuntimeException {

    public NotAuthenticatedException(String message) {
        super(message);
    }
}
