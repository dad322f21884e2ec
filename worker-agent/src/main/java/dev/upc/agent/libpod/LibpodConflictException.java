package dev.upc.agent.libpod;

/** The container is in the wrong state for the operation, or the name is taken. */
public class LibpodConflictException extends LibpodException {

    public LibpodConflictException(String operation, String message) {
        super(operation, 409, message);
    }
}
