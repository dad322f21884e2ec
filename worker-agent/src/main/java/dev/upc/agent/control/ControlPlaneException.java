package dev.upc.agent.control;

/**
 * A call to the registry, scheduler or store did not succeed.
 *
 * @see #status() 0 when the service could not be reached at all
 */
public class ControlPlaneException extends RuntimeException {

    private final int status;
    private final String error;

    public ControlPlaneException(String message, int status, String error, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.error = error;
    }

    /** The HTTP status, or 0 when there was no answer (refused, reset, timed out). */
    public int status() {
        return status;
    }

    /** The {@code error} code of the service's ErrorResponse, or null. */
    public String error() {
        return error;
    }

    /** Worth trying again later: no answer, or the service is (temporarily) failing. */
    public boolean retryable() {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }

    /** The credentials were refused: a wrong join token, or an expired or revoked worker token. */
    public boolean unauthorized() {
        return status == 401;
    }
}
