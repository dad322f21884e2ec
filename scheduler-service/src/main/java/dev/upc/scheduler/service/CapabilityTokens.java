package dev.upc.scheduler.service;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.BlobKind;
import dev.upc.scheduler.config.SchedulerConfig;
import dev.upc.servicehttp.SigningKeys;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Singleton;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Mints the store's tokens (see {@link BlobCapability}): capability tokens for reading or writing one blob, and the
 * scheduler's own short-lived admin token for pruning checkpoints.
 */
@Startup
@Singleton
public class CapabilityTokens implements dev.upc.scheduler.client.StoreClient.StoreAdminToken {

    private final SchedulerConfig config;
    private final Clock clock;
    private final PrivateKey signingKey;

    CapabilityTokens(SchedulerConfig config, Clock clock,
                     @ConfigProperty(name = "smallrye.jwt.sign.key.location") String signingKeyLocation) {
        this.config = config;
        this.clock = clock;
        this.signingKey = SigningKeys.read(signingKeyLocation);
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
        Instant expiresAt = now.plus(config.capabilityTtl());
        String token = Jwt.issuer(config.tokenIssuer())
                .subject(workerId)
                .issuedAt(now)
                .expiresAt(expiresAt)
                .claim(BlobCapability.BLOB_CLAIM, BlobCapability.blobClaim(kind, blobId))
                .claim(BlobCapability.OPERATION_CLAIM, op)
                .jws()
                .sign(signingKey);
        return new Capability(token, expiresAt);
    }

    /** A fresh store admin token, for {@link dev.upc.scheduler.client.StoreClient}. */
    @Override
    public String get() {
        return storeAdmin().token();
    }

    /** An admin token of the store (group {@value BlobCapability#ADMIN_GROUP}), e.g. to delete old checkpoints. */
    public Capability storeAdmin() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = now.plus(config.capabilityTtl());
        String token = Jwt.issuer(config.tokenIssuer())
                .subject("upc-scheduler")
                .groups(BlobCapability.ADMIN_GROUP)
                .issuedAt(now)
                .expiresAt(expiresAt)
                .jws()
                .sign(signingKey);
        return new Capability(token, expiresAt);
    }
}
