package dev.upc.registry.service;

/** An undrain of a PC that still waits for an admin's approval (409): approval, not undrain, lets it work. */
public class NotApprovedException extends RuntimeException {

    public NotApprovedException(String workerId) {
        super("worker " + workerId + " waits for an admin's approval; approve it with: upc workers approve " + workerId);
    }
}
