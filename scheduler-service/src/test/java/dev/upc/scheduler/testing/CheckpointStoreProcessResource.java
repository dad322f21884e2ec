package dev.upc.scheduler.testing;

import dev.upc.servicetesting.PemKeys;
import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real checkpoint store next to the scheduler under test: the packaged store
 * ({@code ../checkpoint-store/target/quarkus-app}) as a process on a free port with a temporary directory, and one
 * fresh key pair for both (so the admin tokens the scheduler signs are accepted). Replaces {@link SigningKeysResource}:
 * it returns the same key locations. The scheduler's {@code upc.scheduler.store-url} points at it.
 */
public class CheckpointStoreProcessResource implements QuarkusTestResourceLifecycleManager {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static volatile URI base;
    private Process store;
    private Path dir;

    @Override
    public Map<String, String> start() {
        Path jar = Path.of("..", "checkpoint-store", "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath()
                .normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the packaged checkpoint store is missing: " + jar
                    + " (build it first: mvn -pl checkpoint-store package)");
        }
        try {
            dir = Files.createTempDirectory("upc-scheduler-store-it-");
            KeyPair keys = PemKeys.newRsaKeyPair();
            Path publicKey = dir.resolve("public.pem");
            Path privateKey = dir.resolve("private.pem");
            PemKeys.writePublicKey(publicKey, keys.getPublic());
            PemKeys.writePrivateKey(privateKey, keys.getPrivate());
            Path blobs = Files.createDirectories(dir.resolve("blobs"));
            int port = freePort();
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = List.of(java, "-Xmx96m", "-XX:+ExitOnOutOfMemoryError",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    "-Dupc.store.directory=" + blobs,
                    "-Dupc.store.min-free-bytes=1M",
                    "-Dupc.store.retention.sweep-interval=off",
                    "-Dmp.jwt.verify.publickey.location=file:" + publicKey,
                    "-jar", jar.toString());
            Path log = dir.resolve("store.log");
            store = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            base = URI.create("http://127.0.0.1:" + port);
            awaitReady(log);
            return Map.of(
                    SigningKeysResource.PUBLIC_KEY_LOCATION, "file:" + publicKey,
                    SigningKeysResource.PRIVATE_KEY_LOCATION, "file:" + privateKey,
                    "upc.scheduler.store-url", base.toString());
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            stop();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:PORT} of the running store. */
    public static URI base() {
        return base;
    }

    @Override
    public void stop() {
        Process process = store;
        store = null;
        if (process != null) {
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
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                System.err.println("cannot delete " + dir + ": " + e.getMessage());
            }
            dir = null;
        }
    }

    private void awaitReady(Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(base.resolve("/q/health/ready")).timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!store.isAlive() || System.nanoTime() > deadline) {
                List<String> lines = Files.readAllLines(log);
                throw new IllegalStateException("the checkpoint store " + (store.isAlive() ? "was not ready within "
                        + START_TIMEOUT.toSeconds() + " s" : "exited") + "; its log:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
