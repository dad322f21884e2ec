package dev.upc.registry.service;

/** A registration of a machine enrolled as another worker, without that worker's credential (409). */
public class MachineEnrolledException extends RuntimeException {

    public MachineEnrolledException(String machineId, String workerId, boolean credentialPresented) {
        super("machine " + machineId + " is enrolled as worker " + workerId + "; "
                + (credentialPresented ? "the credential presented is not that worker's"
                : "registering it again needs that worker's credential (header Upc-Worker-Credential)")
                + ". The agent keeps it in its state directory; if that is lost, an admin removes the worker "
                + "(upc workers remove) so that the PC can enrol afresh");
    }
}
