package dev.upc.registry.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A worker's own credential: 256 random bits, given to the agent once when its PC enrols; only the SHA-256 is stored.
 * Re-registering the PC needs it, so the join token that every PC holds cannot take over another PC's identity.
 */
@ApplicationScoped
public class WorkerCredentials {

    /** Marks the credential in logs and secret scanners; never part of a token's claims. */
    static final String PREFIX = "upcw_";
    private final SecureRandom random = new SecureRandom();

    /** A new credential. */
    public String mint() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] digest(String credential) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(credential.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    /** Whether {@code presented} is the credential of {@code stored}, in time independent of where they differ. */
    public static boolean matches(String presented, byte[] stored) {
        return presented != null && stored != null && presented.length() <= 256
                && MessageDigest.isEqual(digest(presented), stored);
    }
}
