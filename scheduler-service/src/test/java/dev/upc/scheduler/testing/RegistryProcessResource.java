package dev.upc.scheduler.testing;

import dev.upc.localpg.LocalPostgres;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real registry next to the scheduler under test: one private PostgreSQL cluster with the scheduler's database
 * ({@code postgres}) and the registry's ({@code upc_registry}), one fresh key pair for both (so the admin token the
 * registry writes to its admin-token-file is accepted, and the tests' tokens too), and the packaged registry
 * ({@code ../registry-service/target/quarkus-app}) as a process on a free port. The scheduler is pointed at it with
 * its readiness check of the registry on. Everything is stopped and deleted in {@link #stop()}.
 */
public class RegistryProcessResource implements QuarkusTestResourceLifecycleManager {

    public static final String JOIN_TOKEN = "it-join-" + UUID.randomUUID().toString().replace("-", "");
    private static final String REGISTRY_DATABASE = "upc_registry";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static volatile URI base;
    private static volatile Path adminTokenFile;
    private static volatile Process registry;

    private LocalPostgres postgres;
    private Path dir;

    @Override
    public Map<String, String> start() {
        Path jar = registryJar();
        try {
            dir = Files.createTempDirectory("upc-scheduler-registry-it-");
            KeyPair keys = PemKeys.newRsaKeyPair();
            Path publicKey = dir.resolve("public.pem");
            Path privateKey = dir.resolve("private.pem");
            PemKeys.writePublicKey(publicKey, keys.getPublic());
            PemKeys.writePrivateKey(privateKey, keys.getPrivate());
            adminTokenFile = dir.resolve("admin.jwt");
            postgres = LocalPostgres.start();
            postgres.createDatabase(REGISTRY_DATABASE);
            int port = freePort();
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = List.of(java, "-Xmx160m", "-XX:+ExitOnOutOfMemoryError",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.datasource.username=" + LocalPostgres.USER,
                    "-Dquarkus.datasource.password=",
                    "-Dquarkus.datasource.jdbc.url=" + postgres.jdbcUrl(REGISTRY_DATABASE),
                    "-Dquarkus.datasource.reactive.url=" + postgres.reactiveUrl(REGISTRY_DATABASE),
                    "-Dupc.registry.join-token=" + JOIN_TOKEN,
                    "-Dmp.jwt.verify.publickey.location=file:" + publicKey,
                    "-Dsmallrye.jwt.sign.key.location=file:" + privateKey,
                    "-Dupc.registry.admin-token-file=" + adminTokenFile,
                    "-jar", jar.toString());
            Path log = dir.resolve("registry.log");
            registry = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            base = URI.create("http://127.0.0.1:" + port);
            awaitReady(log);
            return Map.ofEntries(
                    Map.entry("quarkus.datasource.username", LocalPostgres.USER),
                    Map.entry("quarkus.datasource.password", ""),
                    Map.entry("quarkus.datasource.jdbc.url", postgres.jdbcUrl("postgres")),
                    Map.entry("quarkus.datasource.reactive.url", postgres.reactiveUrl("postgres")),
                    Map.entry(SigningKeysResource.PUBLIC_KEY_LOCATION, "file:" + publicKey),
                    Map.entry(SigningKeysResource.PRIVATE_KEY_LOCATION, "file:" + privateKey),
                    Map.entry("quarkus.rest-client.registry.url", base.toString()),
                    Map.entry("upc.scheduler.registry.admin-token-file", adminTokenFile.toString()),
                    Map.entry("upc.scheduler.registry.health-enabled", "true"));
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            stop();
            throw e;
        } catch (InterruptedException e) {
            stop();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT} of the running registry. */
    public static URI base() {
        return base;
    }

    /** The admin token the registry wrote at start. */
    public static String adminToken() {
        try {
            return Files.readString(adminTokenFile).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the registry process (the database stays): the scheduler sees it go away. Idempotent. */
    public static void stopRegistry() {
        Process process = registry;
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        registry = null;
    }

    @Override
    public void stop() {
        try {
            stopRegistry();
        } finally {
            try {
                if (postgres != null) {
                    postgres.close();
                    postgres = null;
                }
            } finally {
                deleteTree(dir);
                dir = null;
            }
        }
    }

    private static Path registryJar() {
        // Surefire runs in the module directory; the registry is its sibling module, packaged earlier in the reactor.
        Path jar = Path.of("..", "registry-service", "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath()
                .normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the packaged registry is missing: " + jar
                    + " (build it first: mvn -pl registry-service package)");
        }
        return jar;
    }

    private static void awaitReady(Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(base.resolve("/q/health/ready")).timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200
                        && Files.exists(adminTokenFile)) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Process process = registry;
            if (process == null || !process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the registry " + (process != null && process.isAlive()
                        ? "was not ready within " + START_TIMEOUT.toSeconds() + " s" : "exited")
                        + "; its log:\n" + tail(log));
            }
            Thread.sleep(100);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("cannot delete " + root + ": " + e.getMessage());
        }
    }
}
