package dev.upc.agent.lifecycle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Whether a stop of the agent (SIGTERM) means its jobs must leave the PC ({@code upc.agent.leave-on-stop}). With
 * {@code auto}, only when the PC is shutting down: systemd, as init, says "stopping". A {@code systemctl restart} of
 * the agent (an upgrade) leaves the jobs running, and the agent re-attaches to them; moving every job for it would
 * cost each a checkpoint and a restore for nothing.
 */
public final class StopKind {

    private static final Logger LOG = Logger.getLogger(StopKind.class);

    private StopKind() {
    }

    /** @param setting {@code auto}, {@code always} or {@code never} (checked with the other settings) */
    public static boolean jobsLeave(String setting) {
        return switch (setting) {
            case "always" -> true;
            case "never" -> false;
            default -> systemStopping();
        };
    }

    /** systemd is the init system and says the system is stopping (a shutdown or reboot under way). */
    static boolean systemStopping() {
        if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
            return false; // no systemd: a stop is the agent's alone, as far as can be told
        }
        try {
            Process process = new ProcessBuilder("systemctl", "is-system-running").redirectErrorStream(true).start();
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            String state = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            return "stopping".equals(state);
        } catch (IOException e) {
            LOG.debugf("cannot ask systemd whether the system is stopping: %s", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
