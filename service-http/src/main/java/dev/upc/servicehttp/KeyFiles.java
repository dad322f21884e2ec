package dev.upc.servicehttp;

import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * This service's key files, checked once at start: the public key (a PEM file or a JWK set) every service verifies
 * tokens with, and the private key the registry and the scheduler each sign with ({@link SigningKey}), which is kept
 * here under the id the JWK set gives it (naming its issuer, {@link dev.upc.protocol.Tokens.Issuer}).
 * A key that cannot be read does not stop the start with a stack trace: it becomes one log line and a readiness
 * problem ({@link ReadinessProblems}), and signing fails with {@link ServiceNotReadyException}.
 */
@Startup
@Singleton
public class KeyFiles {

    static final String PUBLIC_KEY = "public-key";
    static final String SIGNING_KEY = "signing-key";

    private final ReadinessProblems problems;
    private final Optional<String> signingKeyLocation;
    private final SigningKey signingKey;

    KeyFiles(ReadinessProblems problems,
             @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> publicKeyLocation,
             @ConfigProperty(name = "smallrye.jwt.sign.key.location") Optional<String> signingKeyLocation) {
        this.problems = problems;
        this.signingKeyLocation = signingKeyLocation;
        publicKeyLocation.flatMap(KeyFiles::publicKeyProblem)
                .ifPresent(problem -> problems.report(PUBLIC_KEY, problem));
        SigningKey key = null;
        if (signingKeyLocation.isPresent()) {
            try {
                key = SigningKeys.read(signingKeyLocation.get());
            } catch (IllegalStateException e) {
                problems.report(SIGNING_KEY, "cannot read the signing key " + signingKeyLocation.get() + ": "
                        + describe(e.getCause() == null ? e : e.getCause()));
            }
        }
        if (key != null && publicKeyLocation.isPresent()) {
            Optional<List<String>> keyIds = keyIds(publicKeyLocation.get());
            if (keyIds.isPresent()) {
                key = named(key, keyIds.get(), signingKeyLocation.get(), publicKeyLocation.get());
            }
        }
        this.signingKey = key;
    }

    /**
     * The signing key under the id the verifiers' key set gives it: with an issuer's name when the set names one
     * ({@link Jwks}), so that this service's tokens carry it. A key missing from the set is a readiness problem:
     * every service would refuse what it signs.
     */
    private SigningKey named(SigningKey key, List<String> keyIds, String signingLocation, String publicLocation) {
        for (String kid : keyIds) {
            if (kid.equals(key.keyId()) || kid.endsWith(":" + key.keyId())) {
                return new SigningKey(key.privateKey(), kid);
            }
        }
        problems.report(SIGNING_KEY, "the signing key " + signingLocation + " (thumbprint " + key.keyId()
                + ") is not among the public keys of " + publicLocation + ": every service would refuse its tokens");
        return key;
    }

    /** The key ids of the JWK set at {@code location}; empty when it is not a local JWK set (a PEM key, a URL). */
    static Optional<List<String>> keyIds(String location) {
        Optional<Path> path = localFile(location);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(path.get(), StandardCharsets.US_ASCII).strip();
            if (!text.startsWith("{")) {
                return Optional.empty();
            }
            return Optional.of(new JsonWebKeySet(text).getJsonWebKeys().stream().map(JsonWebKey::getKeyId)
                    .filter(Objects::nonNull).toList());
        } catch (IOException | JoseException | RuntimeException e) {
            return Optional.empty(); // reported as the public key's problem
        }
    }

    /**
     * The cluster's private key.
     *
     * @throws ServiceNotReadyException when it could not be read at start
     * @throws IllegalStateException    when this service has none configured
     */
    public SigningKey signingKey() {
        if (signingKey != null) {
            return signingKey;
        }
        problems.require(SIGNING_KEY);
        throw new IllegalStateException("no signing key configured (smallrye.jwt.sign.key.location)"
                + signingKeyLocation.map(l -> ": " + l).orElse(""));
    }

    /** What is wrong with the public key at {@code location}; empty when it reads, or is not a local file. */
    static Optional<String> publicKeyProblem(String location) {
        if (localFile(location).isEmpty()) {
            return Optional.empty(); // classpath: or a URL: SmallRye reads it when it needs it
        }
        Path path = localFile(location).get();
        try {
            String text = Files.readString(path, StandardCharsets.US_ASCII).strip();
            if (text.startsWith("{")) {
                JsonWebKeySet set = new JsonWebKeySet(text);
                if (set.getJsonWebKeys().isEmpty()
                        || !set.getJsonWebKeys().stream().allMatch(PublicJsonWebKey.class::isInstance)) {
                    throw new IOException("not a JWK set of public keys");
                }
            } else {
                Jwks.readPublicKey(path);
            }
            return Optional.empty();
        } catch (IOException | JoseException | RuntimeException e) {
            return Optional.of("cannot read the public key " + location + ": " + describe(e));
        }
    }

    /** The file a key location names ({@code file:}-prefixed or a bare path); empty for {@code classpath:} or a URL. */
    private static Optional<Path> localFile(String location) {
        if (location.contains(":") && !location.startsWith("file:")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location));
    }

    /** "no such file — mount the key files (in Kubernetes the Secret upc-keys)", "permission denied", … */
    static String describe(Throwable failure) {
        if (failure instanceof NoSuchFileException) {
            return "no such file — mount the key files (in Kubernetes the Secret upc-keys)";
        }
        if (failure instanceof AccessDeniedException) {
            return "permission denied — the service's user must be able to read it";
        }
        if (failure instanceof IOException && failure.getCause() == null && failure.getMessage() != null) {
            return failure.getMessage();
        }
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName()
                : failure.getClass().getSimpleName() + ": " + message;
    }
}
