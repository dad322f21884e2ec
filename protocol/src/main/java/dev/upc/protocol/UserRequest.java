package dev.upc.protocol;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * Body of {@code POST /api/v1/users} (admin): a new user and the life of its first token.
 *
 * @param name       the user's name: lowercase letters, digits, {@code _} and {@code -}, starting with a letter,
 *                   at most 32; {@code admin} and names starting with {@code upc} are reserved
 * @param ttlSeconds how long the token works; absent = 30 days, at most 90 days
 */
public record UserRequest(
        @NotBlank @Pattern(regexp = Tokens.USER_NAME, message = "lowercase letters, digits, _ and -, starting with a letter, at most 32")
        String name,
        @Min(60) @Max(90L * 24 * 3600) Long ttlSeconds) {
}
