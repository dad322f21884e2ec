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

    /**
     * The single place where libpod's answers become exception types. Podman 4 answers several
     * client errors with a plain 500 ("name already in use", "image not known"); its message names
     * the cause, so those are typed by it, keeping the real status.
     */
    public static LibpodException forStatus(String operation, int status, String libpodMessage) {
        int meaning = status == 500 ? meaningOf(libpodMessage) : status;
        return switch (meaning) {
            case 400 -> new LibpodBadRequestException(operation, status, libpodMessage);
            case 404 -> new LibpodNotFoundException(operation, status, libpodMessage);
            case 409 -> new LibpodConflictException(operation, status, libpodMessage);
            default -> new LibpodServerException(operation, status, libpodMessage);
        };
    }

    private static int meaningOf(String message) {
        if (message.contains("already in use")) {
            return 409;
        }
        if (message.contains("image not known") || message.contains("no such container")
                || message.contains("no such image")) {
            return 404;
        }
        return 500;
    }
}
