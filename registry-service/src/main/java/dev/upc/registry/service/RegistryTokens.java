package dev.upc.registry.service;

import dev.upc.protocol.Tokens;
import dev.upc.protocol.Tokens.Kind;
import dev.upc.registry.config.RegistryConfig;
import dev.upc.servicehttp.KeyFiles;
import dev.upc.servicehttp.audit.AuditTrail;
import dev.upc.servicehttp.SigningKey;
import dev.upc.servicehttp.TokenRules;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Signs the registry's bearer tokens as {@link Tokens} describes them: worker tokens (subject = workerId, group
 * {@value #WORKER}, for the registry and the scheduler), and nothing else: its key is the registry's
 * ({@link Tokens.Issuer#REGISTRY}), which verifiers accept for worker tokens only, so admin tokens come from the
 * operator's own key. A lifetime longer than a worker token may live fails the start, instead of minting tokens
 * everyone refuses; an unreadable key does not ({@link KeyFiles}: the registry stays unready and minting answers 503).
 */
@Startup
@Singleton
public class RegistryTokens {

    public static final String WORKER = Tokens.WORKER;
    public static final String ADMIN = Tokens.ADMIN;
    /** The scheduler's own token: it lists the workers and the revocations, nothing else. */
    public static final String SERVICE = Tokens.SERVICE;

    private final Clock clock;
    private final KeyFiles keys;
    private final Duration workerTokenTtl;
    private final AuditTrail audit;

    RegistryTokens(RegistryConfig config, Clock clock, KeyFiles keys, AuditTrail audit) {
        this.audit = audit;
        this.clock = clock;
        this.workerTokenTtl = TokenRules.requireAllowed(Kind.WORKER, config.workerTokenTtl(),
                "upc.registry.worker-token-ttl");
        this.keys = keys;
    }

    public IssuedToken forWorker(String workerId) {
        return issue(Kind.WORKER, workerId, workerTokenTtl);
    }

    /** The {@code kid} of every token this registry signs. */
    public String keyId() {
        return keys.signingKey().keyId();
    }

    private IssuedToken issue(Kind kind, String subject, Duration ttl) {
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond()); // JWT times are whole seconds
        SigningKey signingKey = keys.signingKey();
        String token = signingKey.sign(signingKey.claims(kind, subject, now, ttl).upn(subject));
        audit.tokenIssued(kind, subject, now.plus(ttl), java.util.Map.of());
        return new IssuedToken(token, now.plus(ttl));
    }
}
