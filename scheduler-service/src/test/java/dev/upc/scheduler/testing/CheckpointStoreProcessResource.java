package dev.upc.scheduler.testing;

import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The real checkpoint store next to the scheduler under test: the packaged store
 * ({@code ../checkpoint-store/target/quarkus-app}) as a process on a free port with a temporary directory, and one
 * fresh key pair for both (so the admin tokens the scheduler signs are accepted). Replaces {@link SigningKeysResource}:
 * it returns the same key locations. The scheduler's {@code upc.scheduler.store-url} points at it.
 */
public class CheckpointStoreProcessResource implements QuarkusTestResourceLifecycleManager {

    private static volatile URI base;
    private PackagedService store;
    private ScratchDirectory dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = ScratchDirectory.withKeyPair("upc-scheduler-store-it-");
            Path blobs = Files.createDirectories(dir.resolve("blobs"));
            Path jar = PackagedService.siblingJar("checkpoint-store", "checkpoint store");
            store = PackagedService.start("checkpoint store", jar, List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError",
                    "-Dupc.store.directory=" + blobs,
                    "-Dupc.store.min-free-bytes=1M",
                    "-Dupc.store.retention.sweep-interval=off",
                    "-Dmp.jwt.verify.publickey.location=file:" + dir.publicKey()), dir.resolve("store.log"));
            base = store.base();
            return Map.of(
                    SigningKeysResource.PUBLIC_KEY_LOCATION, "file:" + dir.publicKey(),
                    SigningKeysResource.PRIVATE_KEY_LOCATION, "file:" + dir.privateKey(),
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
        PackagedService service = store;
        store = null;
        if (service != null) {
            service.stop();
        }
        if (dir != null) {
            dir.close();
            dir = null;
        }
    }
}
