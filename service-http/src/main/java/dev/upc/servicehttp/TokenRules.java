package dev.upc.servicehttp;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.Tokens;
import dev.upc.protocol.Tokens.Issuer;
import dev.upc.protocol.Tokens.Kind;
import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The token model of {@link Tokens} as pure functions: which audiences and group a token of each kind carries, what
 * kind a token is, and the rule every verifier applies after the signature, issuer, audience and expiry checks:
 * a token is of one of the kinds, carries {@code iat} and {@code exp}, lives no longer than its kind's longest life,
 * and was not issued in the future. The services apply it on every authenticated request ({@link TokenRulesAugmentor}; the store in its
 * own token check), so a leaked signing tool cannot mint tokens that outlive their kind unnoticed.
 */
public final class TokenRules {

    /**
     * How far in the future a token's {@code iat} may lie: clocks of the cluster's machines disagree a little
     * (Kerberos allows 5 minutes by default). Beyond it the token is refused, since an {@code iat} set ahead
     * would stretch the time the token is usable past its kind's longest life.
     */
    public static final Duration ISSUED_AHEAD_TOLERANCE = Duration.ofMinutes(5);

    private static final long[] UNIT_SECONDS = {86_400, 3_600, 60, 1};
    private static final String[] UNIT_NAMES = {"day", "hour", "minute", "second"};

    private TokenRules() {
    }

    /** The {@code aud} of a token of this kind: the services it is for (see the table of {@link Tokens}). */
    public static Set<String> audiences(Kind kind) {
        return switch (kind) {
            case ADMIN -> Set.of(Tokens.AUDIENCE_REGISTRY, Tokens.AUDIENCE_SCHEDULER, Tokens.AUDIENCE_STORE);
            case USER -> Set.of(Tokens.AUDIENCE_SCHEDULER);
            case WORKER -> Set.of(Tokens.AUDIENCE_REGISTRY, Tokens.AUDIENCE_SCHEDULER);
            case CAPABILITY -> Set.of(Tokens.AUDIENCE_STORE);
            case SERVICE -> Set.of(Tokens.AUDIENCE_REGISTRY, Tokens.AUDIENCE_STORE);
        };
    }

    /** The {@code groups} member that makes a token of this kind; empty for a capability (its claims make it one). */
    public static Optional<String> group(Kind kind) {
        return switch (kind) {
            case ADMIN -> Optional.of(Tokens.ADMIN);
            case USER -> Optional.of(Tokens.USER);
            case WORKER -> Optional.of(Tokens.WORKER);
            case CAPABILITY -> Optional.empty();
            case SERVICE -> Optional.of(Tokens.SERVICE);
        };
    }

    /**
     * The kind of a token: a capability when it names a blob, else the kind of its groups; of several, the one with
     * the shortest life, so a token lives no longer than any of the roles it carries allows. Empty when it is none
     * of them: the model has no such token, and {@link #violation} refuses it.
     */
    public static Optional<Kind> kind(boolean namesBlob, Collection<String> groups) {
        return kind(namesBlob, kinds(namesBlob, groups));
    }

    /** {@link #kind(boolean, Collection)} from the token's {@link #kinds}. */
    private static Optional<Kind> kind(boolean namesBlob, Set<Kind> kinds) {
        if (namesBlob) {
            return Optional.of(Kind.CAPABILITY);
        }
        return kinds.stream().min(Comparator.comparing(Kind::maxLifetime));
    }

    /**
     * What is wrong with a token, or empty when it keeps the rule.
     *
     * @param issuedAt  {@code iat} in epoch seconds, empty when the token has none
     * @param expiresAt {@code exp} in epoch seconds, empty when the token has none
     * @param now       the verifier's time
     */
    public static Optional<String> violation(Optional<Kind> kind, OptionalLong issuedAt, OptionalLong expiresAt,
                                             Instant now) {
        if (issuedAt.isEmpty() || expiresAt.isEmpty()) {
            return Optional.of("a token must carry iat (issued at) and exp (expires at); this one has no "
                    + (issuedAt.isEmpty() ? "iat" : "exp"));
        }
        if (expiresAt.getAsLong() <= issuedAt.getAsLong()) {
            return Optional.of("a token must expire after it was issued; this one has exp <= iat");
        }
        Instant issued = Instant.ofEpochSecond(issuedAt.getAsLong());
        if (issued.isAfter(now.plus(ISSUED_AHEAD_TOLERANCE))) {
            return Optional.of("a token must not be issued in the future; this one has iat " + issued
                    + ", more than " + describe(ISSUED_AHEAD_TOLERANCE) + " after this service's time " + now);
        }
        if (kind.isEmpty()) {
            // Nothing bounds its life, and an endpoint open to any valid token would take it.
            return Optional.of("a token must be an admin, user, worker or service token (groups) or a store capability ("
                    + BlobCapability.BLOB_CLAIM + "); this one is none of them");
        }
        Duration lifetime = Duration.ofSeconds(expiresAt.getAsLong() - issuedAt.getAsLong());
        Duration max = kind.get().maxLifetime();
        if (lifetime.compareTo(max) > 0) {
            return Optional.of(article(kind.get()) + " token may live at most " + describe(max) + "; this one lives "
                    + describe(lifetime, max));
        }
        return Optional.empty();
    }

    /**
     * What is wrong with a token of {@code kind} signed by the key of id {@code keyId}, or empty: a key whose id names
     * an issuer ({@link Issuer#ofKeyId}) signs only that issuer's kinds. The verifier's key set binds each key to its
     * id (SmallRye picks the key by the token's {@code kid} and accepts no other when every key of the set has an id),
     * so a service holding one issuer's key cannot pass off another issuer's kind under its key.
     */
    public static Optional<String> issuerViolation(Optional<Kind> kind, String keyId) {
        return issuerViolation(kind.map(Set::of).orElse(Set.of()), keyId);
    }

    /**
     * As {@link #issuerViolation(Optional, String)} for every kind a token carries: each role it claims (a blob, and
     * each group) must be one its key's issuer signs, or a key could pass off a role it may not sign beside one it
     * may (a worker token that also says admin).
     */
    public static Optional<String> issuerViolation(Set<Kind> kinds, String keyId) {
        Optional<Issuer> issuer = Issuer.ofKeyId(keyId);
        if (issuer.isEmpty()) {
            return Optional.empty();
        }
        for (Kind kind : kinds) {
            if (!issuer.get().kinds().contains(kind)) {
                return Optional.of(article(kind) + " token must be signed by the " + Issuer.of(kind).label()
                        + "'s key; this one is signed by the " + issuer.get().label() + "'s (" + keyId + ")");
            }
        }
        return Optional.empty();
    }

    /** Every kind a token claims to be: a capability when it names a blob, and the kind of each of its groups. */
    public static Set<Kind> kinds(boolean namesBlob, Collection<String> groups) {
        EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
        if (namesBlob) {
            kinds.add(Kind.CAPABILITY);
        }
        for (Kind kind : Kind.values()) {
            if (group(kind).map(groups::contains).orElse(false)) {
                kinds.add(kind);
            }
        }
        return kinds;
    }

    /**
     * The rules applied to a verified JWT: {@link #violation} and {@link #issuerViolation}.
     *
     * @throws InvalidTokenException naming the broken rule
     */
    public static void check(JsonWebToken token, Instant now) {
        boolean namesBlob = token.containsClaim(BlobCapability.BLOB_CLAIM);
        Set<Kind> kinds = kinds(namesBlob, token.getGroups() == null ? Set.of() : token.getGroups());
        Optional<String> violation = violation(kind(namesBlob, kinds), epochSeconds(token, Claims.iat),
                epochSeconds(token, Claims.exp), now).or(() -> issuerViolation(kinds, keyId(token.getRawToken())));
        if (violation.isPresent()) {
            throw new InvalidTokenException(violation.get());
        }
    }

    /** The {@code kid} of a compact JWS's protected header; null when it has none or cannot be read. */
    static String keyId(String compact) {
        if (compact == null) {
            return null;
        }
        int dot = compact.indexOf('.');
        if (dot <= 0) {
            return null;
        }
        try (JsonReader reader = Json.createReader(new StringReader(new String(
                Base64.getUrlDecoder().decode(compact.substring(0, dot)), StandardCharsets.UTF_8)))) {
            JsonObject header = reader.readObject();
            return header.get("kid") instanceof JsonString kid ? kid.getString() : null;
        } catch (RuntimeException e) {
            return null; // verified already, so well-formed; nothing to check against otherwise
        }
    }

    /**
     * For a service's configured token lifetime: fails its start when it is longer than the kind allows, instead of
     * minting tokens every verifier refuses.
     *
     * @param setting the configuration key, named in the failure
     * @throws IllegalStateException when {@code lifetime} is not positive or exceeds the kind's longest life
     */
    public static Duration requireAllowed(Kind kind, Duration lifetime, String setting) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalStateException(setting + " must be positive, was " + lifetime);
        }
        if (lifetime.compareTo(kind.maxLifetime()) > 0) {
            throw new IllegalStateException(setting + " is " + describe(lifetime) + ", but " + article(kind)
                    + " token may live at most " + describe(kind.maxLifetime()));
        }
        return lifetime;
    }

    /** "7 days", "15 minutes", "90061 seconds": in the largest unit it is a whole number of. */
    static String describe(Duration duration) {
        return describe(duration, duration);
    }

    /** {@code duration} in the unit {@code reference} is described in, when it is a whole number of it: "60 minutes". */
    private static String describe(Duration duration, Duration reference) {
        long seconds = duration.toSeconds();
        int unit = 0;
        while (reference.toSeconds() % UNIT_SECONDS[unit] != 0) {
            unit++; // ends at seconds at the latest
        }
        if (seconds % UNIT_SECONDS[unit] != 0) {
            return describe(duration);
        }
        long amount = seconds / UNIT_SECONDS[unit];
        return amount + " " + UNIT_NAMES[unit] + (amount == 1 ? "" : "s");
    }

    private static String article(Kind kind) {
        return (kind == Kind.ADMIN ? "an " : "a ") + kind.label();
    }

    private static OptionalLong epochSeconds(JsonWebToken token, Claims claim) {
        if (!token.containsClaim(claim.name())) {
            return OptionalLong.empty(); // getClaim would say 0
        }
        Object value = token.getClaim(claim.name());
        if (value instanceof Number number) {
            return OptionalLong.of(number.longValue());
        }
        if (value instanceof JsonNumber number) {
            return OptionalLong.of(number.longValue());
        }
        return OptionalLong.empty();
    }
}
