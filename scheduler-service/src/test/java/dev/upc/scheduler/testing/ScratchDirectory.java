package dev.upc.scheduler.testing;

import dev.upc.servicetesting.PemKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A new temporary directory for one test resource, holding a fresh RSA key pair as {@code public.pem} and
 * {@code private.pem} (so the scheduler and the service it starts trust the same tokens) and whatever else the
 * resource puts there. {@link #close()} deletes it all.
 */
final class ScratchDirectory implements AutoCloseable {

    private final Path root;

    private ScratchDirectory(Path root) {
        this.root = root;
    }

    /** Creates {@code /tmp/PREFIX…} and writes the key pair into it. */
    static ScratchDirectory withKeyPair(String prefix) throws IOException {
        ScratchDirectory scratch = new ScratchDirectory(Files.createTempDirectory(prefix));
        try {
            KeyPair keys = PemKeys.newRsaKeyPair();
            PemKeys.writePublicKey(scratch.publicKey(), keys.getPublic());
            PemKeys.writePrivateKey(scratch.privateKey(), keys.getPrivate());
            return scratch;
        } catch (RuntimeException | Error e) {
            scratch.close();
            throw e;
        }
    }

    Path resolve(String name) {
        return root.resolve(name);
    }

    Path publicKey() {
        return root.resolve("public.pem");
    }

    Path privateKey() {
        return root.resolve("private.pem");
    }

    /** Deletes the directory and everything in it; a failure is only reported, so it cannot hide a test's own. */
    @Override
    public void close() {
        if (!Files.exists(root)) {
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
