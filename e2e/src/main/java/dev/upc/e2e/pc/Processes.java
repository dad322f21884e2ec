package dev.upc.e2e.pc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion under a time limit, for the harness's own use of CLI tools. */
public final class Processes {

    private Processes() {
    }

    /**
     * @return standard output and error, merged
     * @throws IllegalStateException when the command fails or overruns, with its output
     */
    public static String run(List<String> command, Duration timeout, String path) {
        java.nio.file.Path log = null;
        try {
            log = java.nio.file.Files.createTempFile("upc-cmd-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()); // a file, not a pipe: a chatty command cannot block on it
            if (path != null) {
                builder.environment().put("PATH", path);
            }
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout);
            }
            String output = java.nio.file.Files.readString(log, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue()
                        + "): " + output.trim());
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } finally {
            if (log != null) {
                log.toFile().delete();
            }
        }
    }
}
