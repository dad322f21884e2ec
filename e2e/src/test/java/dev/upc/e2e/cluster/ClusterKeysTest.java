package dev.upc.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterKeysTest {

    @TempDir
    Path dir;

    @Test
    void anAdminTokenIsAnRs256JwtOfIssuerUpcThatThePublicPemVerifies() throws Exception {
        ClusterKeys keys = ClusterKeys.generate(dir);

        String token = keys.adminToken("someone", Duration.ofMinutes(5));

        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(publicKey(keys.publicKeyPem()));
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
        assertThat(Files.getPosixFilePermissions(keys.privateKeyPem()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(keys.privateKeyPem()).content().startsWith("-----BEGIN PRIVATE KEY-----\n");
    }

    @Test
    void theKidIsTheRfc7638ThumbprintOfThePublicKey() throws Exception {
        ClusterKeys keys = ClusterKeys.generate(dir);

        String token = keys.adminToken("someone", Duration.ofMinutes(5));

        RSAPublicKey key = (RSAPublicKey) publicKey(keys.publicKeyPem());
        String canonical = "{\"e\":\"" + unsigned(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + unsigned(key.getModulus()) + "\"}";
        String thumbprint = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        JsonNode header = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0]));
        assertThat(header.get("kid").asText()).isEqualTo(thumbprint).isEqualTo(keys.keyId());
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

    private static PublicKey publicKey(Path pem) throws Exception {
        String base64 = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
