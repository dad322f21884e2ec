package dev.upc.scheduler.service;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.Tokens;
import dev.upc.protocol.Tokens.Kind;
import dev.upc.scheduler.config.SchedulerConfig;
import dev.upc.servicehttp.KeyFiles;
import dev.upc.servicehttp.SigningKey;
import dev.upc.servicehttp.TokenRules;
import dev.upc.servicehttp.audit.AuditTrail;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Mints the scheduler's tokens for the other services: capability tokens for reading or writing one blob (see
 * {@link BlobCapability}), and its own short-lived service tokens ({@link Tokens#SERVICE}): one naming only the store,
 * to read and delete blobs and hand on the revoked workers, one naming only the registry, to list its workers and
 * the revocations. None is an admin token, and each names one service in {@code aud}: a token that leaks from one
 * service's traffic opens nothing else. All carry the cluster key in {@code kid} ({@link SigningKey}).
 */
@Startup
@Singleton
public class CapabilityTokens implements dev.upc.scheduler.client.StoreClient.StoreServiceToken,
        dev.upc.scheduler.client.RegistryWorkerDirectory.RegistryServiceTokens {

    private static final long MIB = 1024L * 1024;
    /** The job's log on the PC (conmon stops it at 64 MiB) and room for CRIU's other images and tar headers. */
    private static final long CHECKPOINT_MARGIN_MIB = 64 + 64;

    /** The subject of the scheduler's own tokens. */
    static final String SUBJECT = "upc-scheduler";

    private final Clock clock;
    private final KeyFiles keys;
    private final Duration ttl;
    private final AuditTrail audit;
    /** The store service token in use, minted again a minute before it expires. */
    private final KeptToken storeService;

    CapabilityTokens(SchedulerConfig config, Clock clock, KeyFiles keys, AuditTrail audit) {
        this.clock = clock;
        this.audit = audit;
        this.keys = keys;
        // The store refuses capabilities living longer than 15 minutes: fail the start rather than every transfer.
        this.ttl = TokenRules.requireAllowed(Kind.CAPABILITY, config.capabilityTtl(), "upc.scheduler.capability-ttl");
        this.storeService = new KeptToken(() -> service(Tokens.AUDIENCE_STORE, ttl), Duration.ofMinutes(1), clock);
    }

    public record Capability(String token, Instant expiresAt) {
    }

    /** A token for {@code op} ({@link BlobCapability#READ} or {@link BlobCapability#WRITE}) of one checkpoint blob. */
    public Capability checkpoint(String workerId, String blobId, String op) {
        return blob(workerId, BlobKind.CHECKPOINTS, blobId, op);
    }

    /**
     * The capability of a CHECKPOINT: write the blob, at most {@code maxBytes} of it ({@link #checkpointBound}), and
     * read it too, so an agent that restarted after uploading but before reporting can find its archive with a HEAD
     * instead of dumping the job a second time.
     */
    public Capability checkpointUpload(String workerId, String blobId, Long maxBytes) {
        return blob(workerId, BlobKind.CHECKPOINTS, blobId, List.of(BlobCapability.READ, BlobCapability.WRITE),
                maxBytes);
    }

    /**
     * The most a checkpoint of {@code job} can hold: its memory (CRIU's page images; tmpfs counts to the memory
     * cgroup), what it may write to its file system (the root file system's changes), its log on the PC, and a margin
     * for CRIU's other images and the archive's headers. Null (no bound but the store's for checkpoints) for a
     * command stored before checkpoints carried their job.
     */
    public static Long checkpointBound(JobSubmission job) {
        return job == null ? null : (job.memoryMiB() + job.diskMiB() + CHECKPOINT_MARGIN_MIB) * MIB;
    }

    /** A token for {@code op} of one blob of any kind. */
    public Capability blob(String workerId, BlobKind kind, String blobId, String op) {
        return blob(workerId, kind, blobId, (Object) op, null);
    }

    /** @param maxBytes the most the blob may hold, or null for what its kind may */
    private Capability blob(String workerId, BlobKind kind, String blobId, Object op, Long maxBytes) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        SigningKey signingKey = keys.signingKey();
        var claims = signingKey.claims(Kind.CAPABILITY, workerId, now, ttl)
                .claim(BlobCapability.BLOB_CLAIM, BlobCapability.blobClaim(kind, blobId))
                .claim(BlobCapability.OPERATION_CLAIM, op);
        Map<String, Object> audited = new java.util.LinkedHashMap<>();
        audited.put("blob", BlobCapability.blobClaim(kind, blobId));
        audited.put("op", op);
        if (maxBytes != null) {
            claims.claim(BlobCapability.MAX_BYTES_CLAIM, maxBytes);
            audited.put("maxBytes", maxBytes);
        }
        String token = signingKey.sign(claims);
        audit.tokenIssued(Kind.CAPABILITY, workerId, now.plus(ttl), audited);
        return new Capability(token, now.plus(ttl));
    }

    /**
     * The store service token in use, for {@link dev.upc.scheduler.client.StoreClient} (group {@value Tokens#SERVICE}):
     * to read and delete blobs (pruning) and hand on the revoked workers; only for the store ({@code aud}), as
     * short-lived as a capability.
     */
    @Override
    public String get() {
        return storeService.get();
    }

    /**
     * A service token of the registry alone, living {@code lifetime}: the scheduler lists the workers and the
     * revocations with it when no token is configured.
     */
    @Override
    public Capability registryService(Duration lifetime) {
        return service(Tokens.AUDIENCE_REGISTRY, lifetime);
    }

    private Capability service(String audience, Duration lifetime) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        SigningKey signingKey = keys.signingKey();
        String token = signingKey.sign(signingKey.claims(Kind.SERVICE, SUBJECT, now, lifetime).audience(audience));
        audit.tokenIssued(Kind.SERVICE, SUBJECT, now.plus(lifetime), Map.of("aud", audience));
        return new Capability(token, now.plus(lifetime));
    }
}
