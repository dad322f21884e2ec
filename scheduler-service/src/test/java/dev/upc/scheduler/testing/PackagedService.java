package dev.upc.scheduler.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A packaged Quarkus service ({@code quarkus-app/quarkus-run.jar} of a sibling module) running as its own process for
 * a test: started with the test JVM's {@code java} on {@code 127.0.0.1} and a free port, stdout and stderr both
 * written to one log file, and returned only once {@code /q/health/ready} answers 200. If it exits or is not ready
 * within 60 s, it is stopped and the start fails with the last 40 lines of its log.
 */
final class PackagedService {

    private static final int START_TIMEOUT_SECONDS = 60;
    private static final int LOG_TAIL_LINES = 40;

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private PackagedService(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * {@code ../MODULE/target/quarkus-app/quarkus-run.jar}, absolute. Surefire runs in the module directory and the
     * sibling is packaged earlier in the reactor; if it is not, this fails saying how to build it.
     *
     * @param name what the service is, for the message ({@code "registry"})
     */
    static Path siblingJar(String module, String name) {
        Path jar = Path.of("..", module, "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the packaged " + name + " is missing: " + jar
                    + " (build it first: mvn -pl " + module + " package)");
        }
        return jar;
    }

    /** {@link #start(String, Path, List, Path, BooleanSupplier)} with readiness meaning only the health check. */
    static PackagedService start(String name, Path jar, List<String> jvmAndSystemProperties, Path log)
            throws IOException, InterruptedException {
        return start(name, jar, jvmAndSystemProperties, log, () -> true);
    }

    /**
     * Starts {@code java JVM-AND-SYSTEM-PROPERTIES -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=FREE -jar JAR}
     * and waits until it is ready.
     *
     * @param name what the service is, for the error message ({@code "checkpoint store"})
     * @param jvmAndSystemProperties options before {@code -jar}, such as {@code -Xmx96m} and {@code -Dkey=value}; not
     *        the HTTP host or port
     * @param log the file its output goes to (replaced)
     * @param alsoReady checked after each 200 from {@code /q/health/ready}: ready only when it is true too
     * @throws IllegalStateException if it exited or was not ready in time (it is stopped; the message has its log tail)
     */
    static PackagedService start(String name, Path jar, List<String> jvmAndSystemProperties, Path log,
            BooleanSupplier alsoReady) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmAndSystemProperties);
        command.addAll(List.of("-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port, "-jar",
                jar.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PackagedService service = new PackagedService(name, process, port, log);
        try {
            service.awaitReady(alsoReady);
            return service;
        } catch (InterruptedException | RuntimeException | Error e) {
            service.stop();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:PORT} */
    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    /** Asks it to exit, then kills it if it has not within 20 s. Returns at once if it has already exited. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A port that was free a moment ago (the service binds it a little later, so another process could take it). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady(BooleanSupplier alsoReady) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(base().resolve("/q/health/ready")).timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (true) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200
                        && alsoReady.getAsBoolean()) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the " + name + " " + (process.isAlive()
                        ? "was not ready within " + START_TIMEOUT_SECONDS + " s" : "exited")
                        + "; its log:\n" + logTail());
            }
            Thread.sleep(100);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
