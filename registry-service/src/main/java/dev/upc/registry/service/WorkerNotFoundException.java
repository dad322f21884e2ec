package dev.upc.registry.service;

/** No worker has this id (never registered, or removed: a removed worker re-registers). */
public class WorkerNotFoundException extends RuntimeException {

    public WorkerNotFoundException(String workerId) {
        super("no worker " + workerId + " is registered; a removed worker must register again");
    }
}
