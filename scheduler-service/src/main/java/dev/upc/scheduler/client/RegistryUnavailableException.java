package dev.upc.scheduler.client;

/**
 * The registry could not give the list of workers: not reachable, too slow, the admin token missing or refused, or an
 * error answer. The planner skips its round; readiness reports the registry DOWN with this message.
 */
public class RegistryUnavailableException extends RuntimeException {

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
