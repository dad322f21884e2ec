package dev.upc.protocol;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The token model of every UPC service. All bearer tokens are RS256 JWTs of issuer {@value #ISSUER} signed with the
 * cluster key and carrying its key id ({@code kid}, the RFC 7638 thumbprint of the public key), so verifiers can hold
 * several keys while one is rotated out. Each token names the services it is for in {@code aud}; each service accepts
 * only tokens naming it. What a token may do comes from its kind:
 *
 * <table>
 *   <tr><th>kind</th><th>how it is recognised</th><th>aud</th><th>issued by</th><th>longest life</th></tr>
 *   <tr><td>admin</td><td>{@code groups} has {@value #ADMIN}</td><td>all three</td><td>the operator's tools</td>
 *       <td>{@link #ADMIN_MAX_LIFETIME}</td></tr>
 *   <tr><td>user</td><td>{@code groups} has {@value #USER}; {@code sub} is the user name</td><td>scheduler</td>
 *       <td>the scheduler ({@code POST /api/v1/users})</td><td>{@link #USER_MAX_LIFETIME}; revocable</td></tr>
 *   <tr><td>worker</td><td>{@code groups} has {@value #WORKER}; {@code sub} is the worker id</td>
 *       <td>registry, scheduler</td><td>the registry, at registration</td><td>{@link #WORKER_MAX_LIFETIME}</td></tr>
 *   <tr><td>capability</td><td>claim {@value BlobCapability#BLOB_CLAIM}</td><td>store</td><td>the scheduler</td>
 *       <td>{@link #CAPABILITY_MAX_LIFETIME}</td></tr>
 *   <tr><td>service</td><td>{@code groups} has {@value #SERVICE}; {@code sub} is the calling service</td>
 *       <td>registry, store</td><td>the scheduler, for its own calls</td><td>{@link #SERVICE_MAX_LIFETIME}</td></tr>
 * </table>
 *
 * A token must carry {@code iat} and {@code exp}; one whose {@code exp - iat} exceeds its kind's longest life is
 * refused, so a leaked signing tool cannot mint everlasting tokens unnoticed.
 */
public final class Tokens {

    public static final String ISSUER = BlobCapability.ISSUER;

    public static final String AUDIENCE_REGISTRY = "upc-registry";
    public static final String AUDIENCE_SCHEDULER = "upc-scheduler";
    public static final String AUDIENCE_STORE = "upc-store";

    public static final String ADMIN = BlobCapability.ADMIN_GROUP;
    public static final String USER = "user";
    public static final String WORKER = "worker";
    /**
     * The scheduler's own calls to the registry (list the workers and the revocations) and the store (read and delete
     * blobs, hand on the revoked workers): that much and no more, where an admin token could do everything.
     */
    public static final String SERVICE = "service";

    public static final Duration ADMIN_MAX_LIFETIME = Duration.ofDays(365);
    public static final Duration USER_MAX_LIFETIME = Duration.ofDays(90);
    public static final Duration USER_DEFAULT_LIFETIME = Duration.ofDays(30);
    /** An hour: a stolen worker token is good for little, and the agent renews it (it re-registers) all the time. */
    public static final Duration WORKER_MAX_LIFETIME = Duration.ofHours(1);
    public static final Duration CAPABILITY_MAX_LIFETIME = Duration.ofMinutes(15);
    public static final Duration SERVICE_MAX_LIFETIME = Duration.ofHours(1);

    /** User names: what a token's subject and an image name space may be. */
    public static final String USER_NAME = "[a-z][a-z0-9_-]{0,31}";

    private Tokens() {
    }

    /**
     * Who signs which kinds, each with a key of its own: the operator's admin key (kept off the cluster) admin tokens,
     * the registry's key worker tokens, the scheduler's key user, capability and service tokens. A key's id names its
     * issuer ({@code registry:<thumbprint>}); a verifier whose key set names issuers accepts a kind only from the key
     * of its issuer, so a service whose key leaks can mint only its own kinds. A key id without an issuer (one
     * cluster key shared by the registry and the scheduler, as before the split) may sign every kind.
     */
    public enum Issuer {
        ADMIN(EnumSet.of(Kind.ADMIN)),
        REGISTRY(EnumSet.of(Kind.WORKER)),
        SCHEDULER(EnumSet.of(Kind.USER, Kind.CAPABILITY, Kind.SERVICE));

        private final Set<Kind> kinds;

        Issuer(Set<Kind> kinds) {
            this.kinds = Collections.unmodifiableSet(kinds);
        }

        /** The kinds of token this issuer's key may sign. */
        public Set<Kind> kinds() {
            return kinds;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The key id of this issuer's key with RFC 7638 thumbprint {@code thumbprint}. */
        public String keyId(String thumbprint) {
            return label() + ":" + thumbprint;
        }

        /** The issuer a key id names; empty for a key id of no issuer (a shared cluster key). */
        public static Optional<Issuer> ofKeyId(String keyId) {
            if (keyId != null) {
                int colon = keyId.indexOf(':');
                for (Issuer issuer : values()) {
                    if (colon > 0 && keyId.substring(0, colon).equals(issuer.label())) {
                        return Optional.of(issuer);
                    }
                }
            }
            return Optional.empty();
        }

        /** The issuer whose key signs tokens of {@code kind}. */
        public static Issuer of(Kind kind) {
            for (Issuer issuer : values()) {
                if (issuer.kinds.contains(kind)) {
                    return issuer;
                }
            }
            throw new IllegalArgumentException("no issuer signs " + kind);
        }
    }

    /** The kinds of token, each with its longest life. */
    public enum Kind {
        ADMIN(ADMIN_MAX_LIFETIME),
        USER(USER_MAX_LIFETIME),
        WORKER(WORKER_MAX_LIFETIME),
        CAPABILITY(CAPABILITY_MAX_LIFETIME),
        SERVICE(SERVICE_MAX_LIFETIME);

        private final Duration maxLifetime;

        Kind(Duration maxLifetime) {
            this.maxLifetime = maxLifetime;
        }

        public Duration maxLifetime() {
            return maxLifetime;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
