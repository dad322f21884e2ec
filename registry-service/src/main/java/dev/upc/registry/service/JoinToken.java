package dev.upc.registry.service;

import dev.upc.registry.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Checks the cluster join token of a registration. */
@ApplicationScoped
public class JoinToken {

    private static final String BEARER = "Bearer ";

    private final byte[] expectedDigest;

    JoinToken(RegistryConfig config) {
        if (config.joinToken().isBlank()) {
            throw new IllegalStateException("upc.registry.join-token must not be blank");
        }
        this.expectedDigest = sha256(config.joinToken());
    }

    /** Throws unless the Authorization header carries the join token. */
    public void check(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new InvalidJoinTokenException("registration needs the cluster join token as 'Authorization: Bearer <token>'");
        }
        // Comparing digests keeps the comparison constant-time and independent of the presented length.
        byte[] presented = sha256(authorizationHeader.substring(BEARER.length()).trim());
        if (!MessageDigest.isEqual(presented, expectedDigest)) {
            throw new InvalidJoinTokenException("the join token is not this cluster's");
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
