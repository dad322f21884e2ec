package dev.upc.registry.service;

import dev.upc.registry.config.RegistryConfig;
import dev.upc.servicehttp.SigningKeys;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Singleton;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Signs the registry's bearer tokens (RS256 JWTs verified by SmallRye JWT with mp.jwt.verify.publickey):
 * worker tokens (subject = workerId, group {@value #WORKER}) and admin tokens (group {@value #ADMIN}).
 */
@Startup
@Singleton
public class RegistryTokens {

    public static final String WORKER = "worker";
    public static final String ADMIN = "admin";

    private final RegistryConfig config;
    private final Clock clock;
    private final PrivateKey signingKey;

    RegistryTokens(RegistryConfig config, Clock clock,
                   @ConfigProperty(name = "smallrye.jwt.sign.key.location") String signingKeyLocation) {
        this.config = config;
        this.clock = clock;
        this.signingKey = SigningKeys.read(signingKeyLocation);
    }

    public IssuedToken forWorker(String workerId) {
        return issue(workerId, WORKER, config.workerTokenTtl().toSeconds());
    }

    public IssuedToken forAdmin(String name) {
        return issue(name, ADMIN, config.adminTokenTtl().toSeconds());
    }

    private IssuedToken issue(String subject, String group, long ttlSeconds) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS); // JWT times are whole seconds
        Instant expiresAt = now.plusSeconds(ttlSeconds);
        String token = Jwt.issuer(config.tokenIssuer())
                .subject(subject)
                .upn(subject)
                .groups(Set.of(group))
                .issuedAt(now)
                .expiresAt(expiresAt)
                .claim("jti", UUID.randomUUID().toString())
                .jws()
                .sign(signingKey);
        return new IssuedToken(token, expiresAt);
    }
}
