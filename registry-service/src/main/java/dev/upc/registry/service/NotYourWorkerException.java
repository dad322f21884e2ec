package dev.upc.registry.service;

/** A valid worker token used for another worker's resource. */
public class NotYourWorkerException extends RuntimeException {

    public NotYourWorkerException(String workerId) {
        super("this token belongs to another worker, not to " + workerId);
    }
}
