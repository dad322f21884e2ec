package dev.upc.agent.driver;

/** The runtime refused or failed an operation of a {@link TaskDriver}. */
public class TaskDriverException extends RuntimeException {

    public TaskDriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
