package dev.upc.scheduler.service;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.Tokens;
import dev.upc.protocol.Tokens.Kind;
import dev.upc.scheduler.config.SchedulerConfig;
import dev.upc.servicehttp.KeyFiles;
import dev.upc.servicehttp.audit.AuditTrail;
import dev.upc.servicehttp.SigningKey;
import dev.upc.servicehttp.TokenRules;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Mints the scheduler's tokens for the other services: the store's (see {@link BlobCapability}), capability tokens
 * for reading or writing one blob and a short-lived admin token for pruning checkpoints, both naming only the store
 * in {@code aud}; and a short-lived admin token naming only the registry, to list its workers. All carry the cluster
 * key in {@code kid} ({@link SigningKey}): a token that leaks from one service's traffic opens nothing else.
 */
@Startup
@Singleton
public class CapabilityTokens implements dev.upc.scheduler.client.StoreClient.StoreAdminToken,
        dev.upc.scheduler.client.RegistryWorkerDirectory.RegistryAdminTokens {

    private final Clock clock;
    private final KeyFiles keys;
    private final Duration ttl;
    private final AuditTrail audit;
    /** The store admin token in use, minted again a minute before it expires (one per call would flood the audit). */
    private volatile Capability storeAdmin;

    CapabilityTokens(SchedulerConfig config, Clock clock, KeyFiles keys, AuditTrail audit) {
        this.clock = clock;
        this.audit = audit;
        this.keys = keys;
        // The store refuses capabilities living longer than 15 minutes: fail the start rather than every transfer.
        this.ttl = TokenRules.requireAllowed(Kind.CAPABILITY, config.capabilityTtl(), "upc.scheduler.capability-ttl");
    }

    public record Capability(String token, Instant expiresAt) {
    }

    /** A token for {@code op} ({@link BlobCapability#READ} or {@link BlobCapability#WRITE}) of one checkpoint blob. */
    public Capability checkpoint(String workerId, String blobId, String op) {
        return blob(workerId, BlobKind.CHECKPOINTS, blobId, op);
    }

    /**
     * The capability of a CHECKPOINT: write the blob, and read it too, so an agent that restarted after uploading
     * but before reporting can find its archive with a HEAD instead of dumping the job a second time.
     */
    public Capability checkpointUpload(String workerId, String blobId) {
        return blob(workerId, BlobKind.CHECKPOINTS, blobId, List.of(BlobCapability.READ, BlobCapability.WRITE));
    }

    /** A token for {@code op} of one blob of any kind. */
    public Capability blob(String workerId, BlobKind kind, String blobId, String op) {
        return blob(workerId, kind, blobId, (Object) op);
    }

    private Capability blob(String workerId, BlobKind kind, String blobId, Object op) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        SigningKey signingKey = keys.signingKey();
        String token = signingKey.sign(signingKey.claims(Kind.CAPABILITY, workerId, now, ttl)
                .claim(BlobCapability.BLOB_CLAIM, BlobCapability.blobClaim(kind, blobId))
                .claim(BlobCapability.OPERATION_CLAIM, op));
        audit.tokenIssued(Kind.CAPABILITY, workerId, now.plus(ttl), Map.of("blob", BlobCapability.blobClaim(kind, blobId),
                "op", op));
        return new Capability(token, now.plus(ttl));
    }

    /** A fresh store admin token, for {@link dev.upc.scheduler.client.StoreClient}. */
    @Override
    public String get() {
        return storeAdmin().token();
    }

    /**
     * An admin token of the store (group {@value BlobCapability#ADMIN_GROUP}), e.g. to delete old checkpoints: only
     * for the store ({@code aud}), and as short-lived as a capability.
     */
    public Capability storeAdmin() {
        Capability current = storeAdmin;
        if (current == null || !current.expiresAt().isAfter(clock.instant().plus(Duration.ofMinutes(1)))) {
            current = admin(Tokens.AUDIENCE_STORE, ttl);
            storeAdmin = current;
        }
        return current;
    }

    /**
     * An admin token of the registry alone, living {@code lifetime}: the scheduler lists workers with it when no
     * token is configured (containers share no file the registry could write one to).
     */
    @Override
    public Capability registryAdmin(Duration lifetime) {
        return admin(Tokens.AUDIENCE_REGISTRY, lifetime);
    }

    private Capability admin(String audience, Duration lifetime) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        SigningKey signingKey = keys.signingKey();
        String token = signingKey.sign(signingKey.claims(Kind.ADMIN, "upc-scheduler", now, lifetime)
                .audience(audience));
        audit.tokenIssued(Kind.ADMIN, "upc-scheduler", now.plus(lifetime), Map.of("aud", audience));
        return new Capability(token, now.plus(lifetime));
    }
}
