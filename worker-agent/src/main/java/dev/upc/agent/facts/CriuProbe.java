package dev.upc.agent.facts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks CRIU for its version by running {@code criu --version}. Missing or broken CRIU is a
 * {@link CriuUnavailableException}, not an empty version: the agent exists to checkpoint, so it must
 * refuse to start (with this message) rather than register a PC whose checkpoints will fail later.
 */
public final class CriuProbe {

    private static final Pattern VERSION = Pattern.compile("(?m)^\\s*Version:\\s*(\\S+)\\s*$");
    // criu --version prints a few short lines: far below the pipe buffer, so waiting before reading cannot block.
    private static final int MAX_OUTPUT = 64 * 1024;

    private final List<String> command;
    private final Duration timeout;

    /** @param command e.g. {@code [criu, --version]}; the first element is looked up on PATH */
    public CriuProbe(List<String> command, Duration timeout) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command must not be empty");
        }
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    public static CriuProbe onPath() {
        return new CriuProbe(List.of("criu", "--version"), Duration.ofSeconds(5));
    }

    /** The version CRIU reports, e.g. {@code 4.1.1}. */
    public String version() {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new CriuUnavailableException("CRIU not found: could not run '" + String.join(" ", command)
                    + "' (" + e.getMessage() + "); install criu 3.17 or newer", e);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new CriuUnavailableException("'" + String.join(" ", command) + "' did not answer within " + timeout);
            }
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
            }
            if (process.exitValue() != 0) {
                throw new CriuUnavailableException("'" + String.join(" ", command) + "' exited with "
                        + process.exitValue() + ": " + output.strip());
            }
            return parseVersion(output);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CriuUnavailableException("interrupted while asking CRIU for its version", e);
        } catch (IOException e) {
            throw new CriuUnavailableException("could not read the output of '" + String.join(" ", command) + "'", e);
        }
    }

    /** The version in the output of {@code criu --version} ({@code Version: 4.1.1}, then optionally {@code GitID: ...}). */
    public static String parseVersion(String output) {
        Matcher matcher = VERSION.matcher(output);
        if (!matcher.find()) {
            throw new CriuUnavailableException("no 'Version:' line in the output of criu --version: " + output.strip());
        }
        return matcher.group(1);
    }
}
