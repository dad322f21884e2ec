package dev.upc.servicehttp.audit;

import dev.upc.protocol.Tokens;
import io.quarkus.security.identity.SecurityIdentity;
import java.util.List;

/**
 * Who did something: a token's subject and its kind ({@code admin}, {@code user}, {@code worker}, {@code service},
 * {@code capability}), or {@code anonymous} (no token, or one that is no good).
 */
record Actor(String name, String kind) {

    static final Actor ANONYMOUS = new Actor("-", "anonymous");

    static Actor of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return ANONYMOUS;
        }
        for (String kind : List.of(Tokens.ADMIN, Tokens.USER, Tokens.WORKER, Tokens.SERVICE)) {
            if (identity.hasRole(kind)) {
                return new Actor(identity.getPrincipal().getName(), kind);
            }
        }
        return new Actor(identity.getPrincipal().getName(), Tokens.Kind.CAPABILITY.label());
    }
}
