package dev.upc.cli.command;

/** The exit codes scripts can rely on. */
public final class ExitCode {

    public static final int OK = 0;
    /** Anything that went wrong, an unreachable server, a job that did not succeed (for --wait and wait). */
    public static final int FAILED = 1;
    /** An unknown flag, a missing or malformed argument: the usage is printed. */
    public static final int USAGE = 2;
    /** Not found or not allowed: HTTP 401, 403 and 404, an unknown context or PC. */
    public static final int DENIED_OR_MISSING = 3;

    private ExitCode() {
    }
}
