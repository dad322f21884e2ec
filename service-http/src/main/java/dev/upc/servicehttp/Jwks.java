package dev.upc.servicehttp;

import dev.upc.protocol.Tokens.Issuer;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's public keys as JSON Web Keys (RFC 7517) and their key ids. A key id is the RFC 7638 thumbprint of
 * the public key, after the name of the key's issuer when it has one ({@code registry:<thumbprint>}, see
 * {@link Issuer}): derived from the key itself, so signer and verifiers agree on it without configuring one. Every
 * token a service signs names its key in the JWS header {@code kid}; a verifier whose
 * {@code mp.jwt.verify.publickey.location} is a JWK set of several keys picks the key by it, which is what lets a
 * key be rotated without refusing the tokens already out, and what binds each issuer to its own kinds of token.
 *
 * <p>Also a command that makes that JWK set from PEM public keys (the JDK is all it needs):
 * <pre>java -cp upc-service-http.jar dev.upc.servicehttp.Jwks admin=admin.pem registry=registry.pem \
 *     scheduler=scheduler.pem scheduler=old-scheduler.pem &gt; jwks.json</pre>
 */
public final class Jwks {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private Jwks() {
    }

    /** The RFC 7638 thumbprint of an RSA public key: base64url (no padding) of SHA-256 over its canonical JWK. */
    public static String keyId(RSAPublicKey key) {
        return keyId(key.getModulus(), key.getPublicExponent());
    }

    /** {@link #keyId(RSAPublicKey)} from the numbers, which an RSA CRT private key carries too. */
    public static String keyId(BigInteger modulus, BigInteger publicExponent) {
        // RFC 7638 §3.2: only the required members, in lexicographic order, without white space.
        String canonical = "{\"e\":\"" + base64url(publicExponent) + "\",\"kty\":\"RSA\",\"n\":\""
                + base64url(modulus) + "\"}";
        try {
            return BASE64URL.encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The public key as a JWK for RS256 signatures, with its {@link #keyId} as {@code kid}. */
    public static String jwk(RSAPublicKey key) {
        return jwk(key, keyId(key));
    }

    /** The public key of {@code issuer} as a JWK, its {@code kid} naming the issuer ({@link Issuer#keyId}). */
    public static String jwk(RSAPublicKey key, Issuer issuer) {
        return jwk(key, issuer.keyId(keyId(key)));
    }

    private static String jwk(RSAPublicKey key, String kid) {
        return "{\"kty\":\"RSA\",\"kid\":\"" + kid + "\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\""
                + base64url(key.getModulus()) + "\",\"e\":\"" + base64url(key.getPublicExponent()) + "\"}";
    }

    /** A JWK set ({@code {"keys":[…]}}) of the keys, in the given order. */
    public static String jwkSet(List<RSAPublicKey> keys) {
        List<String> jwks = new ArrayList<>();
        for (RSAPublicKey key : keys) {
            jwks.add(jwk(key));
        }
        return set(jwks);
    }

    /** A JWK set of issuers' keys, each key's id naming its issuer, in the map's order. */
    public static String jwkSet(Map<RSAPublicKey, Issuer> keys) {
        List<String> jwks = new ArrayList<>();
        keys.forEach((key, issuer) -> jwks.add(jwk(key, issuer)));
        return set(jwks);
    }

    private static String set(List<String> jwks) {
        return "{\"keys\":[" + String.join(",", jwks) + "]}";
    }

    /** Reads a {@code -----BEGIN PUBLIC KEY-----} PEM file (X.509), as {@code openssl pkey -pubout} writes it. */
    public static RSAPublicKey readPublicKey(Path pem) throws IOException {
        String base64 = Files.readString(pem, StandardCharsets.US_ASCII)
                .replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IOException(pem + " is not an RSA public key in PEM", e);
        }
    }

    /**
     * Prints the JWK set of the PEM public keys named on the command line, each {@code ISSUER=public.pem} (admin,
     * registry or scheduler: the key signs only that issuer's tokens) or a plain {@code public.pem} (a shared key).
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: Jwks [admin=|registry=|scheduler=]public.pem ...  (prints their JWK set)");
            System.exit(2);
        }
        List<String> jwks = new ArrayList<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            Optional<Issuer> issuer = equals < 0 ? Optional.empty()
                    : Issuer.ofKeyId(arg.substring(0, equals) + ":");
            if (equals >= 0 && issuer.isEmpty()) {
                System.err.println("not an issuer: " + arg.substring(0, equals) + " (admin, registry or scheduler)");
                System.exit(2);
            }
            RSAPublicKey key = readPublicKey(Path.of(arg.substring(equals + 1)));
            jwks.add(issuer.map(i -> jwk(key, i)).orElseGet(() -> jwk(key)));
        }
        System.out.println(set(jwks));
    }

    /** RFC 7518 §6.3.1: the unsigned big-endian octets, as few as the value needs. */
    private static String base64url(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length); // the sign byte BigInteger adds
        }
        return BASE64URL.encodeToString(bytes);
    }
}
