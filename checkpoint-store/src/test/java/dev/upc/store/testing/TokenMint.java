package dev.upc.store.testing;

import dev.upc.protocol.BlobCapability;
import dev.upc.servicetesting.PemKeys;
import dev.upc.servicetesting.SigningKeysResource;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import io.smallrye.jwt.util.KeyUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;

/**
 * Mints the tokens the store accepts, the way the scheduler will (see {@link BlobCapability}), with a key pair
 * generated per test run: no key is ever committed.
 */
public final class TokenMint {

    private final PrivateKey signingKey;

    public TokenMint(PrivateKey signingKey) {
        this.signingKey = signingKey;
    }

    /** A fresh RSA pair; its public key written as PEM to {@code publicKeyFile}. */
    public static TokenMint generate(Path publicKeyFile) {
        KeyPair pair = PemKeys.newRsaKeyPair();
        PemKeys.writePublicKey(publicKeyFile, pair.getPublic());
        return new TokenMint(pair.getPrivate());
    }

    /** The mint of the running @QuarkusTest application (its key from {@link SigningKeysResource}). */
    public static TokenMint ofTestApplication() {
        try {
            String location = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getValue(SigningKeysResource.PRIVATE_KEY_LOCATION, String.class).replaceFirst("^file:", "");
            return new TokenMint(KeyUtils.decodePrivateKey(Files.readString(Path.of(location))));
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the test signing key", e);
        }
    }

    public String admin() {
        return sign(base(Duration.ofMinutes(10)).subject("test-admin").groups(Set.of(BlobCapability.ADMIN_GROUP)));
    }

    /** A capability for one blob ({@code checkpoints/job-7-3-1}) and the given operations, valid 5 minutes. */
    public String capability(String blob, String... operations) {
        return capability(blob, Instant.now().plus(Duration.ofMinutes(5)), operations);
    }

    public String capability(String blob, Instant expiresAt, String... operations) {
        JwtClaimsBuilder claims = Jwt.issuer(BlobCapability.ISSUER).subject("worker-1")
                .issuedAt(expiresAt.minus(Duration.ofMinutes(5))).expiresAt(expiresAt)
                .claim(BlobCapability.BLOB_CLAIM, blob);
        if (operations.length == 1) {
            claims.claim(BlobCapability.OPERATION_CLAIM, operations[0]);
        } else {
            claims.claim(BlobCapability.OPERATION_CLAIM, List.of(operations));
        }
        return sign(claims);
    }

    /** Any token of this key: for the odd cases (other issuer, other groups). */
    public String sign(JwtClaimsBuilder claims) {
        return claims.jws().algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256).sign(signingKey);
    }

    public JwtClaimsBuilder base(Duration validFor) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return Jwt.issuer(BlobCapability.ISSUER).issuedAt(now).expiresAt(now.plus(validFor));
    }
}
