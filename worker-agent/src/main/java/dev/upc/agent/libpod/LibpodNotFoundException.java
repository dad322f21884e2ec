package dev.upc.agent.libpod;

/** The container, image or endpoint does not exist. */
public class LibpodNotFoundException extends LibpodException {

    public LibpodNotFoundException(String operation, String message) {
        this(operation, 404, message);
    }

    public LibpodNotFoundException(String operation, int status, String message) {
        super(operation, status, message);
    }
}
