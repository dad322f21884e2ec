package dev.upc.scheduler.testing;

import dev.upc.localpg.LocalPostgres;
import dev.upc.servicehttp.SigningKeys;
import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.servicetesting.TestTokens;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real registry next to the scheduler under test: one private PostgreSQL cluster with the scheduler's database
 * ({@code postgres}) and the registry's ({@code upc_registry}), one fresh key pair for both (so the service tokens the
 * scheduler mints for itself are accepted, as are the tests' own tokens), and the packaged registry
 * ({@code ../registry-service/target/quarkus-app}) as a process on a free port. The scheduler is pointed at it with
 * its readiness check of the registry on. Everything is stopped and deleted in {@link #stop()}.
 */
public class RegistryProcessResource implements QuarkusTestResourceLifecycleManager {

    public static final String JOIN_TOKEN = "it-join-" + UUID.randomUUID().toString().replace("-", "");
    private static final String REGISTRY_DATABASE = "upc_registry";

    private static volatile URI base;
    private static volatile String adminToken;
    private static volatile PackagedService registry;

    private LocalPostgres postgres;
    private ScratchDirectory dir;

    @Override
    public Map<String, String> start() {
        Path jar = PackagedService.siblingJar("registry-service", "registry");
        try {
            dir = ScratchDirectory.withKeyPair("upc-scheduler-registry-it-");
            adminToken = new TestTokens(SigningKeys.read(dir.privateKey().toString()).privateKey())
                    .admin("scheduler-it-admin");
            postgres = LocalPostgres.start();
            postgres.createDatabase(REGISTRY_DATABASE);
            registry = PackagedService.start("registry", jar, List.of("-Xmx160m", "-XX:+ExitOnOutOfMemoryError",
                    "-Dquarkus.datasource.username=" + LocalPostgres.USER,
                    "-Dquarkus.datasource.password=",
                    "-Dquarkus.datasource.jdbc.url=" + postgres.jdbcUrl(REGISTRY_DATABASE),
                    "-Dquarkus.datasource.reactive.url=" + postgres.reactiveUrl(REGISTRY_DATABASE),
                    "-Dupc.registry.join-token=" + JOIN_TOKEN,
                    "-Dmp.jwt.verify.publickey.location=file:" + dir.publicKey(),
                    "-Dsmallrye.jwt.sign.key.location=file:" + dir.privateKey()),
                    dir.resolve("registry.log"));
            base = registry.base();
            return Map.ofEntries(
                    Map.entry("quarkus.datasource.username", LocalPostgres.USER),
                    Map.entry("quarkus.datasource.password", ""),
                    Map.entry("quarkus.datasource.jdbc.url", postgres.jdbcUrl("postgres")),
                    Map.entry("quarkus.datasource.reactive.url", postgres.reactiveUrl("postgres")),
                    Map.entry(SigningKeysResource.PUBLIC_KEY_LOCATION, "file:" + dir.publicKey()),
                    Map.entry(SigningKeysResource.PRIVATE_KEY_LOCATION, "file:" + dir.privateKey()),
                    Map.entry("quarkus.rest-client.registry.url", base.toString()),
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

    /** An admin token of the test's key, as the operator's tools mint them. */
    public static String adminToken() {
        return adminToken;
    }

    /** Stops the registry process (the database stays): the scheduler sees it go away. Idempotent. */
    public static void stopRegistry() {
        PackagedService service = registry;
        if (service == null) {
            return;
        }
        service.stop();
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
                if (dir != null) {
                    dir.close();
                    dir = null;
                }
            }
        }
    }
}
