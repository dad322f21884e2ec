package dev.upc.agent.libpod;

/**
 * No answer, or no progress of a body, within the call's time limit. The connection was closed; on
 * the libpod side the operation may still be running (a hung CRIU dump holds the container's lock).
 */
public class LibpodTimeoutException extends LibpodException {

    public LibpodTimeoutException(String operation, String message) {
        super(operation, 0, message);
    }
}
