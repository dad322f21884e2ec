package dev.upc.servicehttp;

/**
 * A request that needs what this service does not have yet (a migrated database, a readable key): answered 503 with
 * the reason, as readiness reports it, instead of a 500 that looks like a bug.
 */
public class ServiceNotReadyException extends RuntimeException {

    public ServiceNotReadyException(String reason) {
        super(reason);
    }
}
