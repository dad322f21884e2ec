package dev.upc.registry.service;

import dev.upc.registry.config.RegistryConfig;
import dev.upc.servicehttp.ReadinessProblems;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks the cluster join token of a registration. Without one configured the registry cannot enrol anyone: it says
 * so once at start and stays unready ({@link ReadinessProblems}) instead of failing the start.
 */
@Startup
@ApplicationScoped
public class JoinToken {

    static final String CHECK = "join-token";
    private static final String BEARER = "Bearer ";

    private final byte[] expectedDigest;
    private final ReadinessProblems problems;

    JoinToken(RegistryConfig config, ReadinessProblems problems) {
        this.problems = problems;
        String token = config.joinToken().map(String::strip).orElse("");
        if (token.isEmpty()) {
            problems.report(CHECK, "no join token: set UPC_JOIN_TOKEN (upc.registry.join-token); in Kubernetes the"
                    + " Secret upc-secrets, key join-token");
        }
        this.expectedDigest = token.isEmpty() ? null : sha256(token);
    }

    /** Throws unless the Authorization header carries the join token. */
    public void check(String authorizationHeader) {
        if (expectedDigest == null) {
            problems.require(CHECK);
        }
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
