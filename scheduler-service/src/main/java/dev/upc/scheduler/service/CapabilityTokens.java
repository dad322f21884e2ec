package dev.upc.scheduler.service;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.BlobKind;
import dev.upc.scheduler.config.SchedulerConfig;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Mints the store's capability tokens (see {@link BlobCapability}): read or write of one checkpoint blob. */
@Startup
@Singleton
public class CapabilityTokens {

    private final SchedulerConfig config;
    private final Clock clock;
    private final PrivateKey signingKey;

    CapabilityTokens(SchedulerConfig config, Clock clock,
                     @ConfigProperty(name = "smallrye.jwt.sign.key.location") String signingKeyLocation) {
        this.config = config;
        this.clock = clock;
        try {
            // Read once at start: signing then needs no file I/O on the event loop.
            String path = signingKeyLocation.startsWith("file:") ? signingKeyLocation.substring(5) : signingKeyLocation;
            this.signingKey = KeyUtils.decodePrivateKey(Files.readString(Path.of(path)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the token signing key from " + signingKeyLocation, e);
        }
    }

    public record Capability(String token, Instant expiresAt) {
    }

    /** A token for {@code op} ({@link BlobCapability#READ} or {@link BlobCapability#WRITE}) of one checkpoint blob. */
    public Capability checkpoint(String workerId, String blobId, String op) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = now.plus(config.capabilityTtl());
        String token = Jwt.issuer(config.tokenIssuer())
                .subject(workerId)
                .issuedAt(now)
                .expiresAt(expiresAt)
                .claim(BlobCapability.BLOB_CLAIM, BlobCapability.blobClaim(BlobKind.CHECKPOINTS, blobId))
                .claim(BlobCapability.OPERATION_CLAIM, op)
                .jws()
                .sign(signingKey);
        return new Capability(token, expiresAt);
    }
}
