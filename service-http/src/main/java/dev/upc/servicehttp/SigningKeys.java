package dev.upc.servicehttp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Reads the cluster's RS256 signing key, for the services that mint tokens (the registry's worker tokens, the
 * scheduler's store capabilities). Read once at start, so signing needs no file I/O on the event loop.
 */
public final class SigningKeys {

    private SigningKeys() {
    }

    /**
     * @param location the {@code smallrye.jwt.sign.key.location}: a path to a PKCS#8 PEM file, optionally
     *                 {@code file:}-prefixed
     * @return the key with its key id ({@link SigningKey#of})
     * @throws IllegalStateException naming the location when the key cannot be read
     */
    public static SigningKey read(String location) {
        String path = location.startsWith("file:") ? location.substring("file:".length()) : location;
        try {
            String pem = Files.readString(Path.of(path), StandardCharsets.US_ASCII);
            String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
            return SigningKey.of(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                    Base64.getDecoder().decode(base64))));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the token signing key from " + location, e);
        }
    }
}
