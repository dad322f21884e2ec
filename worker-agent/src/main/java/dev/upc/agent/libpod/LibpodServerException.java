package dev.upc.agent.libpod;

/** libpod failed while doing the work (HTTP 5xx or an unexpected status), e.g. CRIU refused a dump. */
public class LibpodServerException extends LibpodException {

    public LibpodServerException(String operation, int status, String message) {
        super(operation, status, message);
    }
}
