package dev.upc.store.access;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.Tokens;
import dev.upc.servicehttp.InvalidTokenException;
import dev.upc.servicehttp.TokenFailures;
import dev.upc.servicehttp.TokenRules;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Decides whether a request's bearer token allows an operation (see {@link BlobCapability} for the tokens).
 * The blob API is plain Vert.x routes, so it calls this itself instead of relying on the JAX-RS security layer.
 * SmallRye JWT's parser checks signature (mp.jwt.verify.publickey[.location], by kid in a JWK set), issuer
 * (mp.jwt.verify.issuer), audience (mp.jwt.verify.audiences) and expiry (with mp.jwt.verify.clock.skew); then
 * {@link TokenRules} applies the token model every service applies (iat and exp, the longest life of the token's
 * kind); this class checks what the token grants, and refuses the capabilities of a worker an admin revoked
 * ({@link RevokedWorkers}) before they expire.
 */
@ApplicationScoped
public class BlobAccess {

    private static final String BEARER = "bearer ";

    private final JWTParser parser;
    private final Clock clock;
    private final List<String> audiences;
    private final RevokedWorkers revoked;

    BlobAccess(JWTParser parser, Clock clock,
               @ConfigProperty(name = "mp.jwt.verify.audiences") Optional<List<String>> audiences,
               RevokedWorkers revoked) {
        this.parser = parser;
        this.clock = clock;
        this.audiences = audiences.orElse(List.of());
        this.revoked = revoked;
    }

    /** Verifies the token of an {@code Authorization} header; the first step, before the request is parsed. */
    public JsonWebToken authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new NotAuthenticatedException("missing Authorization: Bearer <token>");
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new NotAuthenticatedException("the Authorization header must be 'Bearer <token>'");
        }
        String token = authorization.substring(BEARER.length()).trim();
        JsonWebToken verified;
        try {
            verified = parser.parse(token);
        } catch (ParseException | RuntimeException e) {
            TokenFailures.Refusal refusal = TokenFailures.describe(e, audiences);
            throw new NotAuthenticatedException(refusal.error(), refusal.message());
        }
        try {
            TokenRules.check(verified, clock.instant());
        } catch (InvalidTokenException e) {
            throw new NotAuthenticatedException(TokenFailures.INVALID_TOKEN, e.getMessage());
        }
        if (!isAdmin(verified) && !isService(verified) && revoked.revoked(verified.getSubject())) {
            throw new NotAuthenticatedException("worker_revoked", "worker " + verified.getSubject()
                    + " was revoked by an admin: its capabilities are no longer honoured");
        }
        return verified;
    }

    /**
     * @param id the blob id; empty for a listing
     * @throws AccessDeniedException when the token does not grant {@code operation} on that blob
     */
    public void authorize(JsonWebToken token, BlobOperation operation, BlobKind kind, Optional<String> id) {
        if (isAdmin(token)) {
            return;
        }
        if (isService(token)) {
            // The scheduler reads outputs and images (for users, and to check a submission's image) and deletes what
            // it prunes; it never writes a blob or lists a kind.
            if (operation == BlobOperation.READ || operation == BlobOperation.DELETE) {
                return;
            }
            throw new AccessDeniedException("a service token may read and delete blobs, not "
                    + operation.name().toLowerCase(Locale.ROOT));
        }
        Set<String> blobs = claimValues(token.getClaim(BlobCapability.BLOB_CLAIM));
        if (blobs.isEmpty()) {
            throw new AccessDeniedException("this token is neither an admin token nor a blob capability");
        }
        String requested = id.map(i -> BlobCapability.blobClaim(kind, i)).orElse(kind.pathSegment());
        if (operation.claimValue().isEmpty()) {
            throw new AccessDeniedException(operation.name().toLowerCase(Locale.ROOT) + " of " + requested
                    + " needs an admin token");
        }
        if (id.isEmpty() || !blobs.contains(requested)) {
            throw new AccessDeniedException("this token is for " + String.join(", ", blobs) + ", not " + requested);
        }
        Set<String> operations = claimValues(token.getClaim(BlobCapability.OPERATION_CLAIM));
        if (!operations.contains(operation.claimValue().get())) {
            throw new AccessDeniedException("this token grants " + (operations.isEmpty() ? "no operation"
                    : String.join(", ", operations)) + " on " + requested + ", not " + operation.claimValue().get());
        }
    }

    /** The most bytes a capability lets its blob hold ({@link BlobCapability#MAX_BYTES_CLAIM}); empty for no bound. */
    public OptionalLong maxBytes(JsonWebToken token) {
        Object claim = token.getClaim(BlobCapability.MAX_BYTES_CLAIM);
        if (claim instanceof JsonNumber number) {
            return OptionalLong.of(number.longValue());
        }
        if (claim instanceof Number number) {
            return OptionalLong.of(number.longValue());
        }
        return OptionalLong.empty();
    }

    /** Whether the token is the scheduler's own ({@link Tokens#SERVICE}): read and delete, no per-capability limits. */
    public boolean isService(JsonWebToken token) {
        return token.getGroups() != null && token.getGroups().contains(Tokens.SERVICE);
    }

    /** Whether the token is an admin's (every operation, no per-capability limits). */
    public boolean isAdmin(JsonWebToken token) {
        return token.getGroups() != null && token.getGroups().contains(BlobCapability.ADMIN_GROUP);
    }

    /** A claim as strings: SmallRye hands custom claims over as JSON-P values, a String or a collection. */
    private static Set<String> claimValues(Object claim) {
        Set<String> values = new HashSet<>();
        if (claim instanceof JsonString s) {
            values.add(s.getString());
        } else if (claim instanceof String s) {
            values.add(s);
        } else if (claim instanceof JsonArray array) {
            for (JsonValue value : array) {
                if (value instanceof JsonString s) {
                    values.add(s.getString());
                }
            }
        } else if (claim instanceof Collection<?> collection) {
            for (Object value : collection) {
                values.addAll(claimValues(value));
            }
        }
        return values;
    }
}
