package dev.upc.agent.facts;

/** A machine file could not be read or did not say what the agent needs. */
public class MachineFactsException extends RuntimeException {

    public MachineFactsException(String message) {
        super(message);
    }

    public MachineFactsException(String message, Throwable cause) {
        super(message, cause);
    }
}
