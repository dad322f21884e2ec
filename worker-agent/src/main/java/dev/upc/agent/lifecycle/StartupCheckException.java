package dev.upc.agent.lifecycle;

/** The agent cannot work on this PC as configured; the message says what is wrong and what to do. */
public class StartupCheckException extends RuntimeException {

    public StartupCheckException(String message, Throwable cause) {
        super(message, cause);
    }
}
