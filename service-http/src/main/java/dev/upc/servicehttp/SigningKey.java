package dev.upc.servicehttp;

import dev.upc.protocol.Tokens;
import dev.upc.protocol.Tokens.Kind;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * The cluster's private key and its key id, and the one way UPC mints tokens with it (see {@link Tokens}): RS256 with
 * {@code kid} in the header; {@code iss}, {@code sub}, {@code aud} and {@code groups} of the token's kind, {@code iat},
 * {@code exp} and a {@code jti}.
 *
 * @param keyId the {@link Jwks#keyId} of the public half
 */
public record SigningKey(PrivateKey privateKey, String keyId) {

    public SigningKey {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(keyId, "keyId");
    }

    /**
     * The key with its id, derived from the modulus and public exponent an RSA CRT private key carries (every PKCS#8
     * RSA key openssl or the JDK writes does), so no public key has to be configured beside it.
     *
     * @throws IllegalArgumentException for any other key
     */
    public static SigningKey of(PrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalArgumentException("the signing key must be an RSA private key with its CRT parameters"
                    + " (PKCS#8, as openssl genpkey writes it), not " + key.getAlgorithm() + " "
                    + key.getClass().getSimpleName());
        }
        return new SigningKey(key, Jwks.keyId(crt.getModulus(), crt.getPublicExponent()));
    }

    /**
     * The claims of a token of {@code kind}: issuer, subject, the kind's audiences and group, issued at
     * {@code issuedAt} (whole seconds) and living {@code lifetime}. Add the kind's own claims (a capability's blob and
     * operation) and {@link #sign} it.
     *
     * @throws IllegalStateException when {@code lifetime} is longer than the kind may live
     */
    public JwtClaimsBuilder claims(Kind kind, String subject, Instant issuedAt, Duration lifetime) {
        TokenRules.requireAllowed(kind, lifetime, kind.label() + " token lifetime");
        Instant iat = issuedAt.truncatedTo(ChronoUnit.SECONDS); // JWT times are whole seconds
        JwtClaimsBuilder claims = Jwt.issuer(Tokens.ISSUER)
                .subject(subject)
                .audience(TokenRules.audiences(kind))
                .issuedAt(iat)
                .expiresAt(iat.plus(lifetime))
                .claim("jti", UUID.randomUUID().toString());
        TokenRules.group(kind).ifPresent(claims::groups);
        return claims;
    }

    /** Signs the claims RS256 with this key, its id in the header's {@code kid}. */
    public String sign(JwtClaimsBuilder claims) {
        return claims.jws().algorithm(SignatureAlgorithm.RS256).keyId(keyId).sign(privateKey);
    }
}
