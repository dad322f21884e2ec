package dev.upc.agent.libpod;

/** The container is in the wrong state for the operation, or the name is taken. */
public class LibpodConflictException extends LibpodException {

    public LibpodConflictException(String operation, String message) {
        this(operation, 409, message);
    }

    public LibpodConflictException(String operation, int status, String message) {
        super(operation, status, message);
    }
}
