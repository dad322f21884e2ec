package dev.upc.e2e.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * One packaged Quarkus service run as {@code java … -jar quarkus-run.jar} on a fixed port of 127.0.0.1, its output
 * appended to one log file across restarts. Configured only with system properties, which outrank everything in
 * its application.properties (and the environment it would otherwise read).
 */
final class ServiceProcess {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final int LOG_TAIL_LINES = 40;

    private final String name;
    private final Path jar;
    private final int port;
    private final Path log;
    private final List<String> jvmOptions;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final boolean https;
    private final HttpClient probe;
    private Process process;
    private long startedNanos;

    /** @param tls what its HTTPS chains to when it serves HTTPS (configured in {@code environment}), else null */
    ServiceProcess(String name, Path jar, int port, Path log, List<String> jvmOptions, Map<String, String> properties,
                   Map<String, String> environment, SSLContext tls) {
        HttpClient.Builder probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(PROBE_TIMEOUT);
        if (tls != null) {
            probe.sslContext(tls);
        }
        this.probe = probe.build();
        this.https = tls != null;
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.log = log;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.properties = Map.copyOf(properties);
        this.environment = Map.copyOf(environment);
    }

    String name() {
        return name;
    }

    URI url() {
        return URI.create((https ? "https" : "http") + "://127.0.0.1:" + port);
    }

    Path log() {
        return log;
    }

    /** The running process, or empty. */
    synchronized java.util.Optional<ProcessHandle> handle() {
        return process == null || !process.isAlive() ? java.util.Optional.empty() : java.util.Optional.of(process.toHandle());
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Launches the process (does not wait for it); a marker line in the log separates the runs. */
    synchronized void launch() {
        if (isRunning()) {
            throw new IllegalStateException("the " + name + " is already running (pid " + process.pid() + ")");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        try {
            Files.writeString(log, "=== " + Instant.now() + " starting the " + name + " on port " + port + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            // Nothing of the caller's UPC_* settings may leak in: the properties above are the whole configuration.
            builder.environment().keySet().removeIf(key -> key.startsWith("UPC_"));
            builder.environment().putAll(environment);
            startedNanos = System.nanoTime();
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " (" + jar + ")", e);
        }
    }

    /**
     * One readiness probe: true once {@code /q/health/ready} answers 200.
     *
     * @throws IllegalStateException if the process has exited, with the end of its log
     */
    boolean probeReady() throws InterruptedException {
        Process current;
        synchronized (this) {
            current = process;
        }
        if (current == null || !current.isAlive()) {
            throw failure(current == null ? "was not started" : "exited with status " + current.exitValue());
        }
        try {
            HttpRequest ready = HttpRequest.newBuilder(url().resolve("/q/health/ready")).timeout(PROBE_TIMEOUT).build();
            return probe.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false; // not listening yet, or slow
        }
    }

    double secondsSinceLaunch() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** The failure of a start: names the log file and shows its last lines. */
    IllegalStateException failure(String what) {
        return new IllegalStateException("the " + name + " " + what + "; its log " + log + " ends with:\n"
                + tail(log, LOG_TAIL_LINES));
    }

    /** SIGTERM (Quarkus shuts down cleanly), then SIGKILL if it is still there after {@code grace}. */
    void stop(Duration grace) {
        Process current;
        synchronized (this) {
            current = process;
            process = null;
        }
        if (current == null) {
            return;
        }
        current.destroy();
        try {
            if (!current.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                current.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            current.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL at once, as in a crash: no shutdown hooks, open connections are cut. */
    void kill() {
        Process current;
        synchronized (this) {
            current = process;
            process = null;
        }
        if (current == null) {
            return;
        }
        current.destroyForcibly();
        try {
            current.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }
}
