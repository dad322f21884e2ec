package dev.upc.registry.service;

/** A registration of a machine an admin revoked (403). */
public class MachineBannedException extends RuntimeException {

    public MachineBannedException(String machineId, String workerId) {
        super("machine " + machineId + " was revoked by an admin (as worker " + workerId + ") and may not enrol; "
                + "an admin can lift that with: upc workers unban " + workerId);
    }
}
