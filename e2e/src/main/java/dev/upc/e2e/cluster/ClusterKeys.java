package dev.upc.e2e.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.Tokens;
import dev.upc.servicehttp.Jwks;
import dev.upc.servicehttp.TokenRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The cluster's RS256 key pair of one run, made in Java and written as PEM files (PKCS#8 private key, X.509 public
 * key: what SmallRye JWT reads), and the tokens the fixture signs with it. Every token is made as the services'
 * token model asks ({@link Tokens}): a JWT of issuer {@value BlobCapability#ISSUER} with the key's id in {@code kid},
 * {@code iat}, {@code exp}, and the {@code aud} of its kind.
 */
public final class ClusterKeys {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey privateKey;
    private final String keyId;
    private final Path privateKeyPem;
    private final Path publicKeyPem;

    private ClusterKeys(PrivateKey privateKey, String keyId, Path privateKeyPem, Path publicKeyPem) {
        this.privateKey = privateKey;
        this.keyId = keyId;
        this.privateKeyPem = privateKeyPem;
        this.publicKeyPem = publicKeyPem;
    }

    /** A fresh 2048-bit pair written to {@code dir/private.pem} (mode 600) and {@code dir/public.pem}. */
    public static ClusterKeys generate(Path dir) throws IOException {
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make an RSA key pair", e);
        }
        Path privatePem = dir.resolve("private.pem");
        Path publicPem = dir.resolve("public.pem");
        Files.createFile(privatePem,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(privatePem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Files.writeString(publicPem, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        return new ClusterKeys(pair.getPrivate(), Jwks.keyId((RSAPublicKey) pair.getPublic()), privatePem, publicPem);
    }

    /** The pair {@link #generate} wrote to {@code dir} before (a running cluster's, to sign test tokens with). */
    public static ClusterKeys read(Path dir) throws IOException {
        dev.upc.servicehttp.SigningKey key = dev.upc.servicehttp.SigningKeys.read(dir.resolve("private.pem").toString());
        return new ClusterKeys(key.privateKey(), key.keyId(), dir.resolve("private.pem"), dir.resolve("public.pem"));
    }

    /** The {@code kid} of every token signed here: the RFC 7638 thumbprint of the public key. */
    public String keyId() {
        return keyId;
    }

    public Path privateKeyPem() {
        return privateKeyPem;
    }

    public Path publicKeyPem() {
        return publicKeyPem;
    }

    /**
     * A token of group {@code admin} for all three services (registry, scheduler and store accept it for everything);
     * {@code ttl} at most 365 days, or the services refuse it.
     */
    public String adminToken(String subject, Duration ttl) {
        return sign(subject, ttl, Map.of("groups", List.of(BlobCapability.ADMIN_GROUP)));
    }

    /**
     * Signs a JWT with {@code iss}, {@code sub}, {@code upn}, {@code iat}, {@code exp}, {@code jti} and the
     * {@code aud} of the token's kind set, plus {@code claims} (e.g. {@code groups}, or a store capability's
     * {@code upc.blob} and {@code upc.op}; an {@code aud} among them replaces the kind's).
     */
    public String sign(String subject, Duration ttl, Map<String, Object> claims) {
        Instant now = Instant.now();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("iss", BlobCapability.ISSUER);
        body.put("sub", subject);
        body.put("upn", subject);
        body.put("iat", now.getEpochSecond());
        body.put("exp", now.plus(ttl).getEpochSecond());
        body.put("jti", UUID.randomUUID().toString());
        Object groups = claims.getOrDefault("groups", List.of());
        TokenRules.kind(claims.containsKey(BlobCapability.BLOB_CLAIM),
                        groups instanceof Collection<?> list ? list.stream().map(String::valueOf).toList() : List.of())
                .ifPresent(kind -> body.put("aud", TokenRules.audiences(kind).stream().sorted().toList()));
        body.putAll(claims);
        try {
            Map<String, String> header = Map.of("alg", BlobCapability.ALGORITHM, "typ", "JWT", "kid", keyId);
            String signingInput = base64url(JSON.writeValueAsBytes(header)) + "."
                    + base64url(JSON.writeValueAsBytes(body));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(privateKey);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64url(rs256.sign());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("claims that are not JSON: " + claims, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with RS256", e);
        }
    }

    private static String base64url(byte[] bytes) {
        return BASE64URL.encodeToString(bytes);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
