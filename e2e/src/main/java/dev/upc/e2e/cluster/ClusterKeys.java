package dev.upc.e2e.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.Tokens;
import dev.upc.protocol.Tokens.Issuer;
import dev.upc.servicehttp.Jwks;
import dev.upc.servicehttp.SigningKey;
import dev.upc.servicehttp.SigningKeys;
import dev.upc.servicehttp.TokenRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The cluster's RS256 keys of one run, one pair per issuer ({@link Issuer}: the operator's admin key, the registry's
 * and the scheduler's), made in Java and written as PEM files (PKCS#8 private keys, what SmallRye JWT reads) and one
 * JWK set of the three public keys whose key ids name their issuers ({@code jwks.json}, what every service verifies
 * with). The registry gets only its private key, the scheduler only its own; the admin key stays here, with the
 * fixture, as it stays with the operator of a real cluster. Every token the fixture signs is made as the services'
 * token model asks ({@link Tokens}), with the key of its kind's issuer unless a test names another.
 */
public final class ClusterKeys {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String JWKS = "jwks.json";

    private final Map<Issuer, SigningKey> keys;
    private final Path dir;

    private ClusterKeys(Map<Issuer, SigningKey> keys, Path dir) {
        this.keys = keys;
        this.dir = dir;
    }

    /** Fresh 2048-bit pairs written to {@code dir/<issuer>-private.pem} (mode 600) and {@code dir/jwks.json}. */
    public static ClusterKeys generate(Path dir) throws IOException {
        Map<Issuer, SigningKey> keys = new EnumMap<>(Issuer.class);
        Map<RSAPublicKey, Issuer> publicKeys = new LinkedHashMap<>();
        for (Issuer issuer : Issuer.values()) {
            KeyPair pair = newPair();
            Path privatePem = privateKeyPem(dir, issuer);
            Files.createFile(privatePem,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(privatePem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();
            publicKeys.put(publicKey, issuer);
            keys.put(issuer, new SigningKey(pair.getPrivate(), issuer.keyId(Jwks.keyId(publicKey))));
        }
        Files.writeString(dir.resolve(JWKS), Jwks.jwkSet(publicKeys));
        return new ClusterKeys(keys, dir);
    }

    /** The keys {@link #generate} wrote to {@code dir} before (a running cluster's, to sign test tokens with). */
    public static ClusterKeys read(Path dir) {
        Map<Issuer, SigningKey> keys = new EnumMap<>(Issuer.class);
        for (Issuer issuer : Issuer.values()) {
            SigningKey key = SigningKeys.read(privateKeyPem(dir, issuer).toString());
            keys.put(issuer, new SigningKey(key.privateKey(), issuer.keyId(key.keyId())));
        }
        return new ClusterKeys(keys, dir);
    }

    /** The {@code kid} of the tokens {@code issuer} signs: its name and the RFC 7638 thumbprint of its public key. */
    public String keyId(Issuer issuer) {
        return keys.get(issuer).keyId();
    }

    /** The private key of {@code issuer}, for the service that signs with it. */
    public Path privateKeyPem(Issuer issuer) {
        return privateKeyPem(dir, issuer);
    }

    /** The JWK set of the three public keys, for {@code mp.jwt.verify.publickey.location}. */
    public Path jwks() {
        return dir.resolve(JWKS);
    }

    /**
     * A token of group {@code admin} for all three services (registry, scheduler and store accept it for everything),
     * signed with the admin key; {@code ttl} at most 365 days, or the services refuse it.
     */
    public String adminToken(String subject, Duration ttl) {
        return sign(subject, ttl, Map.of("groups", List.of(BlobCapability.ADMIN_GROUP)));
    }

    /**
     * Signs a JWT with the key of its kind's issuer (the scheduler's for a token of no kind): {@code iss},
     * {@code sub}, {@code upn}, {@code iat}, {@code exp}, {@code jti} and the {@code aud} of the token's kind set, plus
     * {@code claims} (e.g. {@code groups}, or a store capability's {@code upc.blob} and {@code upc.op}; an {@code aud}
     * among them replaces the kind's).
     */
    public String sign(String subject, Duration ttl, Map<String, Object> claims) {
        return sign(kindOf(claims).map(Issuer::of).orElse(Issuer.SCHEDULER), subject, ttl, claims);
    }

    /** As {@link #sign(String, Duration, Map)}, with {@code issuer}'s key whatever the kind: for negative tests. */
    public String sign(Issuer issuer, String subject, Duration ttl, Map<String, Object> claims) {
        Instant now = Instant.now();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("iss", BlobCapability.ISSUER);
        body.put("sub", subject);
        body.put("upn", subject);
        body.put("iat", now.getEpochSecond());
        body.put("exp", now.plus(ttl).getEpochSecond());
        body.put("jti", UUID.randomUUID().toString());
        kindOf(claims).ifPresent(kind -> body.put("aud", TokenRules.audiences(kind).stream().sorted().toList()));
        body.putAll(claims);
        SigningKey key = keys.get(issuer);
        try {
            Map<String, String> header = Map.of("alg", BlobCapability.ALGORITHM, "typ", "JWT", "kid", key.keyId());
            String signingInput = base64url(JSON.writeValueAsBytes(header)) + "."
                    + base64url(JSON.writeValueAsBytes(body));
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key.privateKey());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64url(rs256.sign());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("claims that are not JSON: " + claims, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with RS256", e);
        }
    }

    /** The kind the services will see in a token of these claims (its blob, its groups). */
    private static Optional<Tokens.Kind> kindOf(Map<String, Object> claims) {
        Object groups = claims.getOrDefault("groups", List.of());
        return TokenRules.kind(claims.containsKey(BlobCapability.BLOB_CLAIM),
                groups instanceof Collection<?> list ? list.stream().map(String::valueOf).toList() : List.of());
    }

    private static Path privateKeyPem(Path dir, Issuer issuer) {
        return dir.resolve(issuer.label() + "-private.pem");
    }

    private static KeyPair newPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make an RSA key pair", e);
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
