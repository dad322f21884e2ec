package dev.upc.servicehttp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.upc.protocol.Tokens.Issuer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

    @TempDir
    Path dir;

    @Test
    void aMissingKeyFileIsNamedWithWhatToDo() {
        assertThat(KeyFiles.publicKeyProblem("file:/nonexistent/upc/jwks.json")).contains(
                "cannot read the public key file:/nonexistent/upc/jwks.json: no such file — mount the key files"
                        + " (in Kubernetes the Secret upc-keys)");
    }

    @Test
    void aPemPublicKeyAndAJwkSetRead() throws IOException, NoSuchAlgorithmException {
        RSAPublicKey key = newKey();
        Path pem = dir.resolve("public.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, Jwks.jwkSet(List.of(key)));
        assertThat(KeyFiles.publicKeyProblem("file:" + pem)).isEmpty();
        assertThat(KeyFiles.publicKeyProblem(jwks.toString())).isEmpty();
    }

    @Test
    void somethingElseIsNamedAsNotAKey() throws IOException {
        Path junk = dir.resolve("jwks.json");
        Files.writeString(junk, "{\"keys\":[]}");
        Optional<String> problem = KeyFiles.publicKeyProblem("file:" + junk);
        assertThat(problem).hasValueSatisfying(p -> assertThat(p).startsWith("cannot read the public key file:"));
    }

    /** A signing key signs under the id the verifiers' set gives it, its issuer's name included. */
    @Test
    void theSigningKeyTakesItsIdFromThePublicKeySet() throws Exception {
        KeyPair registry = newPair();
        KeyPair other = newPair();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, Jwks.jwkSet(new java.util.LinkedHashMap<>(java.util.Map.of(
                (RSAPublicKey) registry.getPublic(), Issuer.REGISTRY))));
        Path privatePem = dir.resolve("registry-private.pem");
        Files.writeString(privatePem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(registry.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");

        ReadinessProblems problems = new ReadinessProblems();
        KeyFiles keys = new KeyFiles(problems, Optional.of("file:" + jwks), Optional.of("file:" + privatePem));
        assertThat(keys.signingKey().keyId()).isEqualTo("registry:" + Jwks.keyId((RSAPublicKey) registry.getPublic()));
        assertThat(problems.current()).isEmpty();

        Files.writeString(jwks, Jwks.jwkSet(List.of((RSAPublicKey) other.getPublic())));
        ReadinessProblems missing = new ReadinessProblems();
        new KeyFiles(missing, Optional.of("file:" + jwks), Optional.of("file:" + privatePem));
        assertThat(missing.current()).hasEntrySatisfying(KeyFiles.SIGNING_KEY, problem -> assertThat(problem)
                .contains("is not among the public keys of file:" + jwks));
    }

    private static KeyPair newPair() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static RSAPublicKey newKey() throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return (RSAPublicKey) generator.generateKeyPair().getPublic();
    }
}
