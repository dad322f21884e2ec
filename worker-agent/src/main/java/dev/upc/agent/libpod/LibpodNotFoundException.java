package dev.upc.agent.libpod;

/** The container, image or endpoint does not exist. */
public class LibpodNotFoundException extends LibpodException {

    public LibpodNotFoundException(String operation, String message) {
        super(operation, 404, message);
    }
}
