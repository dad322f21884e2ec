package dev.upc.agent.lifecycle;

import dev.upc.agent.facts.CriuUnavailableException;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.LibpodException;
import dev.upc.agent.libpod.PodmanHost;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What must hold before the agent offers this PC: libpod answers, CRIU works. Each failure names its cure. */
public final class StartupChecks {

    private static final Duration CRIU_CHECK_TIMEOUT = Duration.ofSeconds(20);

    private StartupChecks() {
    }

    /** Podman's facts, or a clear error when its socket does not answer. */
    public static PodmanHost libpod(LibpodClient libpod, Path socket) {
        ping(libpod, socket);
        try {
            return libpod.host();
        } catch (LibpodException e) {
            throw notAnswering(socket, e);
        }
    }

    /** libpod answers on its socket (a few ms; {@code info} takes a few hundred). */
    public static void ping(LibpodClient libpod, Path socket) {
        if (!Files.exists(socket)) {
            throw new StartupCheckException("the libpod socket " + socket + " does not exist: start the Podman API"
                    + " service (systemctl enable --now podman.socket) or set upc.agent.podman-socket", null);
        }
        try {
            libpod.ping();
        } catch (LibpodException e) {
            throw notAnswering(socket, e);
        }
    }

    private static StartupCheckException notAnswering(Path socket, LibpodException e) {
        return new StartupCheckException("libpod at " + socket + " does not answer: " + e.getMessage()
                + " (is `podman system service` running?)", e);
    }

    /** When this process started: {@link #processStartMillis(long)} of itself. */
    public static long processStartMillis() {
        return processStartMillis(ProcessHandle.current().pid());
    }

    /**
     * When process {@code pid} started, in epoch milliseconds, from {@code /proc/<pid>/stat} and {@code /proc/uptime}
     * (10 ms resolution). {@code ProcessHandle.info().startInstant()} is based on the boot time in whole seconds and
     * can be up to a second early. Now, if /proc cannot tell.
     */
    public static long processStartMillis(long pid) {
        long now = System.currentTimeMillis();
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(fields[19]); // field 22 of proc(5); the rest starts at field 3
            String uptime = Files.readString(Path.of("/proc/uptime"), StandardCharsets.US_ASCII);
            double uptimeSeconds = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
            return now - Math.round((uptimeSeconds - startTicks / 100.0) * 1000);
        } catch (IOException | RuntimeException e) {
            return now;
        }
    }

    /** Runs {@code criu check}: a CRIU that cannot checkpoint on this kernel must not be offered to the cluster. */
    public static void criu(String criu) {
        Process process;
        try {
            process = new ProcessBuilder(List.of(criu, "check")).redirectErrorStream(true).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new StartupCheckException("CRIU not found: could not run '" + criu + " check' (" + e.getMessage()
                    + "); install CRIU (./upc setup builds 4.1.1) or set upc.agent.criu", e);
        }
        try {
            if (!process.waitFor(CRIU_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new StartupCheckException("'" + criu + " check' did not finish within " + CRIU_CHECK_TIMEOUT, null);
            }
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readNBytes(16 * 1024), StandardCharsets.UTF_8).strip();
            }
            if (process.exitValue() != 0) {
                throw new StartupCheckException("'" + criu + " check' failed (exit " + process.exitValue() + "): "
                        + output + "; this PC cannot checkpoint jobs", null);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CriuUnavailableException("interrupted during criu check", e);
        } catch (IOException e) {
            throw new StartupCheckException("could not read the output of '" + criu + " check'", e);
        }
    }
}
