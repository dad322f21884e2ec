package dev.upc.agent.libpod;

/** libpod rejected the request as malformed (a bug on our side or an unsupported podman version) */
public class LibpodBadRequestException extends LibpodException {

    public LibpodBadRequestException(String operation, String message) {
        this(operation, 400, message);
    }

    public LibpodBadRequestException(String operation, int status, String message) {
        super(operation, status, message);
    }
}
