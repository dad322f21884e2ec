package dev.upc.servicetesting;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;

/**
 * A fresh RSA key pair per test run as the application's JWT keys: it verifies with the public half and signs (and
 * the tests mint tokens) with the private half at {@link #PRIVATE_KEY_LOCATION}.
 */
public class SigningKeysResource implements QuarkusTestResourceLifecycleManager {

    public static final String PUBLIC_KEY_LOCATION = "mp.jwt.verify.publickey.location";
    public static final String PRIVATE_KEY_LOCATION = "smallrye.jwt.sign.key.location";

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("upc-signing-keys-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KeyPair pair = PemKeys.newRsaKeyPair();
        Path publicKey = dir.resolve("public.pem");
        Path privateKey = dir.resolve("private.pem");
        PemKeys.writePublicKey(publicKey, pair.getPublic());
        PemKeys.writePrivateKey(privateKey, pair.getPrivate());
        return Map.of(
                PUBLIC_KEY_LOCATION, "file:" + publicKey.toAbsolutePath(),
                PRIVATE_KEY_LOCATION, "file:" + privateKey.toAbsolutePath());
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
