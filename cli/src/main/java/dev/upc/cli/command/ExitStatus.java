package dev.upc.cli.command;

import dev.upc.cli.client.AwaitTimeoutException;
import dev.upc.cli.client.UpcApiException;
import dev.upc.cli.client.UpcConnectionException;
import dev.upc.cli.client.WorkerNameException;
import dev.upc.cli.context.ConfigException;
import dev.upc.protocol.ErrorResponse;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * What a failed command tells its user and its caller: one line for stderr (without the "upc: " prefix) and the exit
 * code. The one place where failures become exit codes.
 *
 * @param code    see {@link ExitCode}
 * @param message the line, or null when the command already said everything
 */
public record ExitStatus(int code, String message) {

    /**
     * @param failure what went wrong
     * @param command the command that failed, as typed ("upc workers list"), for "not allowed to" messages
     */
    public static ExitStatus of(Throwable failure, String command) {
        if (failure instanceof CommandFailure f) {
            return new ExitStatus(f.exitCode(), f.getMessage());
        }
        if (failure instanceof UpcApiException api) {
            return ofStatus(api, command);
        }
        if (failure instanceof UpcConnectionException || failure instanceof AwaitTimeoutException) {
            return new ExitStatus(ExitCode.FAILED, failure.getMessage());
        }
        if (failure instanceof WorkerNameException name) {
            return new ExitStatus(name.unknown() ? ExitCode.DENIED_OR_MISSING : ExitCode.FAILED,
                    name.getMessage() + (name.unknown() ? " ('upc workers list' shows them)" : ""));
        }
        if (failure instanceof ConfigException config) {
            return new ExitStatus(config.notFound() ? ExitCode.DENIED_OR_MISSING : ExitCode.FAILED,
                    config.getMessage());
        }
        if (failure instanceof UncheckedIOException io) {
            return new ExitStatus(ExitCode.FAILED, io.getMessage());
        }
        return new ExitStatus(ExitCode.FAILED, "internal error: " + failure
                + " (UPC_DEBUG=1 shows where; please report it)");
    }

    private static ExitStatus ofStatus(UpcApiException api, String command) {
        String said = api.serverMessage();
        return switch (api.status()) {
            case 401 -> new ExitStatus(ExitCode.DENIED_OR_MISSING, said.toLowerCase(Locale.ROOT).contains("expired")
                    ? "the token has expired (" + said + "); ask an admin for a new one and run 'upc login'"
                    : "the token was refused: " + said + "; check it, or run 'upc login' again");
            case 403 -> new ExitStatus(ExitCode.DENIED_OR_MISSING,
                    "this token is not allowed to run '" + command + "': " + said);
            case 404 -> new ExitStatus(ExitCode.DENIED_OR_MISSING, api.error().isPresent() ? said
                    : "not found: " + api.method() + " " + api.uri());
            case 400, 409, 422 -> new ExitStatus(ExitCode.FAILED, said + fieldErrors(api));
            default -> new ExitStatus(ExitCode.FAILED, api.getMessage());
        };
    }

    /** A rejected body's per-field problems, after the message. */
    private static String fieldErrors(UpcApiException api) {
        StringBuilder text = new StringBuilder();
        for (ErrorResponse.FieldError field : api.error().map(ErrorResponse::details).orElse(java.util.List.of())) {
            text.append("; ").append(field.field()).append(": ").append(field.message());
        }
        return text.toString();
    }
}
