package dev.upc.agent.libpod;

/** Nothing answers on the libpod socket: podman's API service is not running or the path is wrong. */
public class LibpodUnreachableException extends LibpodException {

    public LibpodUnreachableException(String operation, String message, Throwable cause) {
        super(operation, 0, message, cause);
    }
}
