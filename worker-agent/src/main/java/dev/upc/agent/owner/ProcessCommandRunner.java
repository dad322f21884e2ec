package dev.upc.agent.owner;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@link CommandRunner} with a child process, for commands whose output is small. */
final class ProcessCommandRunner implements CommandRunner {

    // Waiting before reading is safe only while the output fits the pipe buffer (64 KiB on Linux); loginctl's
    // answers about a handful of sessions are a few hundred bytes. A bigger one makes the command time out.
    private static final int MAX_OUTPUT = 64 * 1024;

    @Override
    public String run(List<String> command, Duration timeout) throws IOException {
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("'" + String.join(" ", command) + "' did not answer within " + timeout);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running " + command.get(0));
        }
        String output = read(process.getInputStream());
        String errors = read(process.getErrorStream());
        if (process.exitValue() != 0) {
            throw new IOException("'" + String.join(" ", command) + "' exited with " + process.exitValue() + ": "
                    + errors.strip());
        }
        return output;
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
        }
    }
}
