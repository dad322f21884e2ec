package dev.upc.servicetesting;

import dev.upc.servicehttp.Jwks;
import dev.upc.servicehttp.SigningKeys;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The keys of a cluster in the middle of a key rotation: the application verifies with a JWK set of the current and
 * the previous key and signs with the current one; a third, retired key is in no set. Tests mint with each
 * ({@link #tokens}) to check that tokens of both listed keys pass and the retired key's are refused.
 */
public class RotatedKeysResource implements QuarkusTestResourceLifecycleManager {

    /** The private key that left the JWK set: its tokens must be refused. */
    public static final String RETIRED_KEY_LOCATION = "upc.test.retired-key.location";
    /** The private key still in the JWK set beside the current one. */
    public static final String PREVIOUS_KEY_LOCATION = "upc.test.previous-key.location";

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("upc-rotated-keys-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KeyPair current = PemKeys.newRsaKeyPair();
        KeyPair previous = PemKeys.newRsaKeyPair();
        Path jwks = dir.resolve("jwks.json");
        try {
            Files.writeString(jwks, Jwks.jwkSet(List.of((RSAPublicKey) current.getPublic(),
                    (RSAPublicKey) previous.getPublic())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                SigningKeysResource.PUBLIC_KEY_LOCATION, "file:" + jwks.toAbsolutePath(),
                SigningKeysResource.PRIVATE_KEY_LOCATION, "file:" + privateKey("current", current.getPrivate()),
                PREVIOUS_KEY_LOCATION, "file:" + privateKey("previous", previous.getPrivate()),
                RETIRED_KEY_LOCATION, "file:" + privateKey("retired", PemKeys.newRsaKeyPair().getPrivate()));
    }

    /** The tokens of the running application's key at {@code location} (one of this class' constants). */
    public static TestTokens tokens(String location) {
        return new TestTokens(SigningKeys.read(
                ConfigProvider.getConfig().getValue(location, String.class)).privateKey());
    }

    private Path privateKey(String name, PrivateKey key) {
        Path file = dir.resolve(name + "-private.pem").toAbsolutePath();
        PemKeys.writePrivateKey(file, key);
        return file;
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
