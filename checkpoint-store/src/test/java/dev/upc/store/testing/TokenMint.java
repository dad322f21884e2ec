package dev.upc.store.testing;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.Tokens;
import dev.upc.protocol.Tokens.Kind;
import dev.upc.servicetesting.PemKeys;
import dev.upc.servicetesting.TestTokens;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Mints the tokens the store accepts, the way the scheduler does (see {@link BlobCapability} and {@link Tokens}: kid,
 * aud upc-store, iat, exp), with a key pair generated per test run: no key is ever committed.
 */
public final class TokenMint {

    private final TestTokens tokens;

    public TokenMint(PrivateKey signingKey) {
        this(new TestTokens(signingKey));
    }

    private TokenMint(TestTokens tokens) {
        this.tokens = tokens;
    }

    /** A fresh RSA pair; its public key written as PEM to {@code publicKeyFile}. */
    public static TokenMint generate(Path publicKeyFile) {
        KeyPair pair = PemKeys.newRsaKeyPair();
        PemKeys.writePublicKey(publicKeyFile, pair.getPublic());
        return new TokenMint(pair.getPrivate());
    }

    /** The mint of the running @QuarkusTest application (its key from {@code SigningKeysResource}). */
    public static TokenMint ofTestApplication() {
        return new TokenMint(TestTokens.ofTestApplication());
    }

    /** The services' tokens of this key, to bend one claim at a time. */
    public TestTokens tokens() {
        return tokens;
    }

    /** An admin token (all three services in aud), valid 10 minutes. */
    public String admin() {
        return tokens.admin("test-admin");
    }

    /** A capability for one blob ({@code checkpoints/job-7-3-1}) and the given operations, valid 5 minutes. */
    public String capability(String blob, String... operations) {
        return capability(blob, Instant.now().plus(Duration.ofMinutes(5)), operations);
    }

    public String capability(String blob, Instant expiresAt, String... operations) {
        JwtClaimsBuilder claims = tokens.claims(Kind.CAPABILITY, "worker-1", expiresAt.minus(Duration.ofMinutes(5)),
                Duration.ofMinutes(5)).claim(BlobCapability.BLOB_CLAIM, blob);
        if (operations.length == 1) {
            claims.claim(BlobCapability.OPERATION_CLAIM, operations[0]);
        } else {
            claims.claim(BlobCapability.OPERATION_CLAIM, List.of(operations));
        }
        return sign(claims);
    }

    /** Any token of this key, with its kid: for the odd cases (other issuer, other groups). */
    public String sign(JwtClaimsBuilder claims) {
        return tokens.sign(claims);
    }

    /** Claims the store would accept but for what a test adds: issuer, the store as audience, iat and exp. */
    public JwtClaimsBuilder base(Duration validFor) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return Jwt.issuer(BlobCapability.ISSUER).audience(Tokens.AUDIENCE_STORE).issuedAt(now).expiresAt(now.plus(validFor));
    }
}
