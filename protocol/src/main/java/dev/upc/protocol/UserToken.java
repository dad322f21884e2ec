package dev.upc.protocol;

import java.time.Instant;

/**
 * Reply of {@code POST /api/v1/users} and {@code POST /api/v1/users/{name}/tokens}: the user and a fresh token. The
 * token is shown once; the scheduler keeps no copy.
 *
 * @param user      the user
 * @param token     the bearer token (kind user, audience scheduler)
 * @param expiresAt when it stops working
 */
public record UserToken(UserInfo user, String token, Instant expiresAt) {
}
