package dev.upc.protocol;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Body of {@code POST /api/v1/users/{name}/tokens} (admin; the body is optional): another token for a user.
 *
 * @param ttlSeconds how long the token works; absent = 30 days, at most 90 days
 */
public record TokenRequest(@Min(60) @Max(90L * 24 * 3600) Long ttlSeconds) {
}
