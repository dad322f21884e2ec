package dev.upc.agent.facts;

/**
 * CRIU is missing, hangs or does not answer {@code --version} as expected. The agent cannot checkpoint
 * without it, so this is a start-up error shown to the owner as is.
 */
public class CriuUnavailableException extends RuntimeException {

    public CriuUnavailableException(String message) {
        super(message);
    }

    public CriuUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
