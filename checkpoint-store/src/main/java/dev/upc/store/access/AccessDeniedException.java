package dev.upc.store.access;

/** A valid token that does not grant this operation on this blob: 403. */
public class AccessDeniedException extends RuntimeException {

    public AccessDeniedException(String message) {
        super(message);
    }
}
