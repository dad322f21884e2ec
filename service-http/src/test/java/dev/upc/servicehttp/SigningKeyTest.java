package dev.upc.servicehttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.Tokens;
import dev.upc.protocol.Tokens.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {

    @TempDir
    Path dir;

    @Test
    void aTokenCarriesTheKindsAudiencesAndGroupTheKeysIdAndItsTimes() throws Exception {
        KeyPair pair = JwksTest.pair();
        SigningKey key = signingKeyFromPem(pair);
        Instant issued = Instant.parse("2026-12-01T10:00:00.750Z");

        String token = key.sign(key.claims(Kind.WORKER, "w123", issued, Duration.ofHours(1)));

        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(token);
        assertThat(jws.getKeyIdHeaderValue()).isEqualTo(Jwks.keyId((RSAPublicKey) pair.getPublic()));
        assertThat(jws.getAlgorithmHeaderValue()).isEqualTo("RS256");
        JwtClaims claims = new JwtConsumerBuilder().setVerificationKey(pair.getPublic())
                .setExpectedAudience(Tokens.AUDIENCE_REGISTRY).setSkipDefaultAudienceValidation()
                .setEvaluationTime(org.jose4j.jwt.NumericDate.fromSeconds(issued.getEpochSecond()))
                .build().processToClaims(token);
        assertThat(claims.getIssuer()).isEqualTo("upc");
        assertThat(claims.getSubject()).isEqualTo("w123");
        assertThat(claims.getAudience()).containsExactlyInAnyOrder(Tokens.AUDIENCE_REGISTRY, Tokens.AUDIENCE_SCHEDULER);
        assertThat(claims.getStringListClaimValue("groups")).containsExactly(Tokens.WORKER);
        assertThat(claims.getIssuedAt().getValue()).isEqualTo(issued.getEpochSecond());
        assertThat(claims.getExpirationTime().getValue()).isEqualTo(issued.getEpochSecond() + 3_600);
        assertThat(claims.getJwtId()).isNotBlank();
    }

    @Test
    void aCapabilityHasNoGroupsAndOnlyTheStoreAsAudience() throws Exception {
        SigningKey key = SigningKey.of(JwksTest.pair().getPrivate());

        String token = key.sign(key.claims(Kind.CAPABILITY, "w1", Instant.now(), Duration.ofMinutes(5))
                .claim(BlobCapability.BLOB_CLAIM, "inputs/abc"));

        JwtClaims claims = JwtClaims.parse(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1])));
        assertThat(claims.getAudience()).containsExactly(Tokens.AUDIENCE_STORE);
        assertThat(claims.hasClaim("groups")).isFalse();
        assertThat(claims.getStringClaimValue(BlobCapability.BLOB_CLAIM)).isEqualTo("inputs/abc");
    }

    @Test
    void noTokenIsMintedLongerThanItsKindMayLive() throws Exception {
        SigningKey key = SigningKey.of(JwksTest.pair().getPrivate());

        assertThatThrownBy(() -> key.claims(Kind.CAPABILITY, "w1", Instant.now(), Duration.ofMinutes(16)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at most 15 minutes");
    }

    private SigningKey signingKeyFromPem(KeyPair pair) throws Exception {
        Path pem = dir.resolve("private.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        SigningKey key = SigningKeys.read("file:" + pem);
        assertThat(key.privateKey()).isEqualTo(pair.getPrivate());
        return key;
    }
}
