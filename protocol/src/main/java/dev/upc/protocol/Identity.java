package dev.upc.protocol;

import java.time.Instant;
import java.util.List;

/**
 * Reply of {@code GET /api/v1/whoami}: who the bearer token speaks for.
 *
 * @param name      the token's subject: a user name, a worker id, or an admin's name
 * @param kind      {@code admin}, {@code user} or {@code worker} (see {@link Tokens.Kind})
 * @param groups    the token's groups
 * @param expiresAt when the token stops working
 */
public record Identity(String name, String kind, List<String> groups, Instant expiresAt) {

    public Identity {
        groups = groups == null ? List.of() : List.copyOf(groups);
    }
}
