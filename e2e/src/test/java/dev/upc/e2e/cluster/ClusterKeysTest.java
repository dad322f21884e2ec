package dev.upc.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.Tokens.Issuer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.jose4j.jwk.JsonWebKeySet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterKeysTest {

    @TempDir
    Path dir;

    @Test
    void anAdminTokenIsAnRs256JwtOfIssuerUpcThatTheAdminsPublicKeyVerifies() throws Exception {
        ClusterKeys keys = ClusterKeys.generate(dir);

        String token = keys.adminToken("someone", Duration.ofMinutes(5));

        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(publicKey(keys, Issuer.ADMIN));
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rs256.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(Base64.getUrlDecoder().decode(parts[0])).get("alg").asText()).isEqualTo("RS256");
        JsonNode claims = json.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(claims.get("iss").asText()).isEqualTo("upc");
        assertThat(claims.get("sub").asText()).isEqualTo("someone");
        assertThat(claims.get("groups").get(0).asText()).isEqualTo("admin");
        assertThat(claims.get("exp").asLong()).isBetween(Instant.now().getEpochSecond() + 290,
                Instant.now().getEpochSecond() + 301);
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(300);
        assertThat(claims.get("aud")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("upc-registry", "upc-scheduler", "upc-store");
        for (Issuer issuer : Issuer.values()) {
            assertThat(Files.getPosixFilePermissions(keys.privateKeyPem(issuer)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(keys.privateKeyPem(issuer)).content().startsWith("-----BEGIN PRIVATE KEY-----\n");
        }
    }

    @Test
    void theKidNamesTheIssuerAndTheRfc7638ThumbprintOfItsPublicKey() throws Exception {
        ClusterKeys keys = ClusterKeys.generate(dir);

        String token = keys.adminToken("someone", Duration.ofMinutes(5));

        RSAPublicKey key = publicKey(keys, Issuer.ADMIN);
        String canonical = "{\"e\":\"" + unsigned(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + unsigned(key.getModulus()) + "\"}";
        String thumbprint = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        JsonNode header = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
        assertThat(header.get("kid").asText()).isEqualTo("admin:" + thumbprint).isEqualTo(keys.keyId(Issuer.ADMIN));
        assertThat(ClusterKeys.read(dir).keyId(Issuer.ADMIN)).as("read back").isEqualTo(keys.keyId(Issuer.ADMIN));
        String worker = keys.sign("w-1", Duration.ofMinutes(1), Map.of("groups", java.util.List.of("worker")));
        assertThat(new ObjectMapper().readTree(Base64.getUrlDecoder().decode(worker.split("\\.")[0])).get("kid")
                .asText()).as("a worker token: the registry's key").isEqualTo(keys.keyId(Issuer.REGISTRY));
    }

    @Test
    void extraClaimsGoIntoTheToken() throws Exception {
        ClusterKeys keys = ClusterKeys.generate(dir);

        String token = keys.sign("w-1", Duration.ofMinutes(1),
                Map.of("upc.blob", "checkpoints/job-1-2-3", "upc.op", "read"));

        JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertThat(claims.get("upc.blob").asText()).isEqualTo("checkpoints/job-1-2-3");
        assertThat(claims.get("upc.op").asText()).isEqualTo("read");
        assertThat(claims.get("aud")).extracting(JsonNode::asText).containsExactly("upc-store");
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                Arrays.copyOfRange(bytes, skip, bytes.length));
    }

    /** The issuer's public key, as the JWK set names it. */
    private static RSAPublicKey publicKey(ClusterKeys keys, Issuer issuer) throws Exception {
        JsonWebKeySet set = new JsonWebKeySet(Files.readString(keys.jwks()));
        return (RSAPublicKey) set.findJsonWebKey(keys.keyId(issuer), "RSA", "sig", "RS256").getKey();
    }
}
