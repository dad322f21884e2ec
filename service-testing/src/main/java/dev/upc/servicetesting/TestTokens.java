package dev.upc.servicetesting;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.Tokens.Kind;
import dev.upc.servicehttp.SigningKey;
import dev.upc.servicehttp.SigningKeys;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.JoseException;

/**
 * Mints tokens for tests the way the services do ({@link SigningKey#claims}: {@code kid}, {@code iss}, the kind's
 * {@code aud} and {@code groups}, {@code iat}, {@code exp}), with a key made for the test run, and lets a test bend
 * one claim at a time to make the tokens the services must refuse.
 */
public final class TestTokens {

    /** How long the tokens of the shorthands live: well inside every kind's longest life. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(10);

    private final SigningKey key;

    public TestTokens(PrivateKey key) {
        this.key = SigningKey.of(key);
    }

    /** The tokens of the running {@code @QuarkusTest} application: its key at {@value SigningKeysResource#PRIVATE_KEY_LOCATION}. */
    public static TestTokens ofTestApplication() {
        String location = ConfigProvider.getConfig().getValue(SigningKeysResource.PRIVATE_KEY_LOCATION, String.class);
        return new TestTokens(SigningKeys.read(location).privateKey());
    }

    /** The {@code kid} of this key's tokens. */
    public String keyId() {
        return key.keyId();
    }

    public String admin(String subject) {
        return token(Kind.ADMIN, subject);
    }

    public String user(String name) {
        return token(Kind.USER, name);
    }

    public String worker(String workerId) {
        return token(Kind.WORKER, workerId);
    }

    /** A store capability for one blob ({@code checkpoints/job-7-3-1}) and the given operations (read, write). */
    public String capability(String subject, String blob, String... operations) {
        return sign(claims(Kind.CAPABILITY, subject, Instant.now(), Duration.ofMinutes(5))
                .claim(BlobCapability.BLOB_CLAIM, blob)
                .claim(BlobCapability.OPERATION_CLAIM, operations.length == 1 ? operations[0] : List.of(operations)));
    }

    /** A token of {@code kind} as the services mint it, issued now and living {@link #DEFAULT_LIFETIME}. */
    public String token(Kind kind, String subject) {
        return sign(claims(kind, subject, Instant.now(), DEFAULT_LIFETIME));
    }

    /**
     * The claims the services give a token of {@code kind}, for a test to change before it {@link #sign}s them: any
     * lifetime, even one longer than the kind may live, and any claim replaced ({@code .audience(…)},
     * {@code .remove("aud")}; for one without {@code iat} see {@link #resigned}).
     */
    public JwtClaimsBuilder claims(Kind kind, String subject, Instant issuedAt, Duration lifetime) {
        Instant iat = Instant.ofEpochSecond(issuedAt.getEpochSecond());
        return key.claims(kind, subject, iat, Duration.ofSeconds(1)).expiresAt(iat.plus(lifetime));
    }

    /** Signs as the services do: RS256, this key's id as {@code kid}. */
    public String sign(JwtClaimsBuilder claims) {
        return key.sign(claims);
    }

    /**
     * The token with its claims changed and signed again as they are, for what the builder will not make: it always
     * adds {@code iat}, so a token without one is {@code resigned(token, claims -> claims.unsetClaim("iat"))}.
     */
    public String resigned(String token, Consumer<JwtClaims> change) {
        try {
            JwtClaims claims = JwtClaims.parse(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                    StandardCharsets.UTF_8));
            change.accept(claims);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            jws.setKeyIdHeaderValue(key.keyId());
            jws.setHeader("typ", "JWT");
            jws.setKey(key.privateKey());
            return jws.getCompactSerialization();
        } catch (InvalidJwtException | JoseException e) {
            throw new IllegalArgumentException("not a JWT of this key: " + e.getMessage(), e);
        }
    }
}
