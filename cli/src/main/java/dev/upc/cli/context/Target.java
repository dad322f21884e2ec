package dev.upc.cli.context;

import dev.upc.cli.client.TokenSource;
import java.net.URI;

/**
 * The cluster a command talks to, as resolved from flags, environment and saved contexts.
 *
 * @param server      the scheduler's URL
 * @param token       the bearer token's source
 * @param contextName the saved context it came from, or null when flags and environment said it all
 */
public record Target(URI server, TokenSource token, String contextName) {
}
