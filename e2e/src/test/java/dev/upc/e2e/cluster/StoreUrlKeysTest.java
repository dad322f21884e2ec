package dev.upc.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler refuses unknown upc.scheduler.* keys, so the store URL is passed only where its jar declares one. */
class StoreUrlKeysTest {

    @TempDir
    Path quarkusApp;

    @Test
    void aDeclaredStoreUrlPropertyIsFound() throws Exception {
        packagedScheduler("""
                quarkus.rest-client.registry.url=${UPC_REGISTRY_URL:http://localhost:8081}
                upc.scheduler.store-url=${UPC_STORE_URL:}
                %test.upc.scheduler.store-url=
                """);

        assertThat(ServiceCluster.storeUrlKeys(quarkusApp.resolve("quarkus-run.jar")))
                .containsExactly("upc.scheduler.store-url");
    }

    @Test
    void aRestClientOfTheStoreIsFound() throws Exception {
        packagedScheduler("quarkus.rest-client.store.url=${UPC_STORE_URL:http://localhost:8082}\n");

        assertThat(ServiceCluster.storeUrlKeys(quarkusApp.resolve("quarkus-run.jar")))
                .containsExactly("quarkus.rest-client.store.url");
    }

    @Test
    void aSchedulerWithoutOneGetsNone() throws Exception {
        packagedScheduler("quarkus.rest-client.registry.url=http://localhost:8081\nupc.scheduler.plan-interval=2s\n");

        assertThat(ServiceCluster.storeUrlKeys(quarkusApp.resolve("quarkus-run.jar"))).isEmpty();
    }

    private void packagedScheduler(String applicationProperties) throws Exception {
        Path app = Files.createDirectories(quarkusApp.resolve("app"));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(app.resolve("scheduler.jar")))) {
            jar.putNextEntry(new JarEntry("application.properties"));
            OutputStream out = jar;
            out.write(applicationProperties.getBytes(StandardCharsets.ISO_8859_1));
            jar.closeEntry();
        }
    }
}
