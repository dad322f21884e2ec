package dev.upc.cli.context;

/** The saved contexts or the settings that override them do not say how to reach a cluster. */
public final class ConfigException extends RuntimeException {

    private final boolean notFound;

    public ConfigException(String message, boolean notFound) {
        super(message);
        this.notFound = notFound;
    }

    public ConfigException(String message) {
        this(message, false);
    }

    /** Whether something named does not exist (a context), as opposed to a broken or missing setting. */
    public boolean notFound() {
        return notFound;
    }
}
