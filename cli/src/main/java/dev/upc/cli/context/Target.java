package dev.upc.cli.context;

import dev.upc.cli.client.TokenSource;
import java.net.URI;
import java.nio.file.Path;

/**
 * The cluster a command talks to, as resolved from flags, environment and saved contexts.
 *
 * @param server      the scheduler's URL
 * @param token       the bearer token's source
 * @param contextName the saved context it came from, or null when flags and environment said it all
 * @param caFile      the certificates (PEM) the server's HTTPS must chain to, or null for the JVM's list
 */
public record Target(URI server, TokenSource token, String contextName, Path caFile) {
}
