package dev.upc.cli.command;

/** A command ends with this exit code and, unless the message is null, says why on stderr. */
public final class CommandFailure extends RuntimeException {

    private final int exitCode;

    public CommandFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public static CommandFailure failed(String message) {
        return new CommandFailure(ExitCode.FAILED, message);
    }

    public static CommandFailure missing(String message) {
        return new CommandFailure(ExitCode.DENIED_OR_MISSING, message);
    }

    public int exitCode() {
        return exitCode;
    }
}
