package dev.upc.store.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;

/** A fresh RSA key pair per test run for the @QuarkusTest application: the store verifies with its public half. */
public class StoreKeysResource implements QuarkusTestResourceLifecycleManager {

    /** Where {@link TokenMint#ofTestApplication()} finds the private half. */
    public static final String PRIVATE_KEY_LOCATION = "smallrye.jwt.sign.key.location";

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("upc-store-keys-");
            KeyPair pair = TokenMint.newKeyPair();
            Path publicKey = dir.resolve("public.pem");
            Path privateKey = dir.resolve("private.pem");
            TokenMint.write(publicKey, TokenMint.pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            TokenMint.write(privateKey, TokenMint.pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            return Map.of("mp.jwt.verify.publickey.location", "file:" + publicKey.toAbsolutePath(),
                    PRIVATE_KEY_LOCATION, "file:" + privateKey.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // best effort: a temp dir
            }
        }
    }
}
