package dev.upc.agent.libpod;

/**
 * A libpod call that did not do what was asked. The subclass says why, {@link #status()} gives the
 * HTTP status (0 when no answer came) and the message carries libpod's own words.
 */
public class LibpodException extends RuntimeException {

    private final String operation;
    private final int status;

    public LibpodException(String operation, int status, String message) {
        this(operation, status, message, null);
    }

    public LibpodException(String operation, int status, String message, Throwable cause) {
        super(operation + ": " + message, cause);
        this.operation = operation;
        this.status = status;
    }

    /** What was attempted, e.g. {@code checkpoint upc-job7-1}. */
    public String operation() {
        return operation;
    }

    /** The HTTP status libpod answered with, 0 for transport failures. */
    public int status() {
        return status;
    }

    /** The single place where libpod's HTTP statuses become exception types. */
    public static LibpodException forStatus(String operation, int status, String libpodMessage) {
        return switch (status) {
            case 400 -> new LibpodBadRequestException(operation, libpodMessage);
            case 404 -> new LibpodNotFoundException(operation, libpodMessage);
            case 409 -> new LibpodConflictException(operation, libpodMessage);
            default -> new LibpodServerException(operation, status, libpodMessage);
        };
    }
}
