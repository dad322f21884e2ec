package dev.upc.scheduler.service;

import dev.upc.protocol.Tokens;
import dev.upc.servicehttp.KeyFiles;
import dev.upc.servicehttp.SigningKey;
import dev.upc.servicehttp.audit.AuditTrail;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Mints user tokens (see {@link Tokens}): subject = the user's name, group {@value Tokens#USER}, audience the scheduler
 * only, a {@code jti} the users table knows so that the token can be revoked.
 */
@Startup
@Singleton
public class UserTokens {

    /** A token and what the table must remember of it. */
    public record Minted(String token, String jti, Instant issuedAt, Instant expiresAt) {
    }

    private final KeyFiles keys;
    private final AuditTrail audit;

    /** @param keys the scheduler's signing key, under the id the verifiers' key set gives it */
    UserTokens(KeyFiles keys, AuditTrail audit) {
        this.keys = keys;
        this.audit = audit;
    }

    public Minted mint(String user, Duration ttl, Instant now) {
        if (ttl.compareTo(Tokens.USER_MAX_LIFETIME) > 0) {
            throw SchedulerException.invalid("ttlSeconds", "a user token lives at most "
                    + Tokens.USER_MAX_LIFETIME.toDays() + " days");
        }
        Instant issuedAt = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant expiresAt = issuedAt.plus(ttl);
        String jti = UUID.randomUUID().toString();
        SigningKey signingKey = keys.signingKey();
        String token = signingKey.sign(signingKey.claims(Tokens.Kind.USER, user, issuedAt, ttl).upn(user)
                .claim("jti", jti));
        audit.tokenIssued(Tokens.Kind.USER, user, expiresAt, Map.of("jti", jti));
        return new Minted(token, jti, issuedAt, expiresAt);
    }
}
