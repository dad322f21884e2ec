package dev.upc.cli.client;

/** The cluster's services a client talks to, named as a user knows them in messages. */
public enum Service {
    SCHEDULER("the scheduler"),
    REGISTRY("the worker registry"),
    STORE("the store");

    private final String label;

    Service(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
