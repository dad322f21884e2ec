package dev.upc.cli.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How to reach a UPC cluster: the scheduler's base URL (the one address a client is given; it names the registry and
 * the store in {@code GET /api/v1/cluster}), the bearer token, how long to wait for a TCP connection, and what the
 * services' HTTPS must chain to ({@code tls}, from {@link dev.upc.protocol.tls.TrustedCertificates}; null: the JVM's
 * list).
 */
public record Endpoint(URI server, TokenSource token, Duration connectTimeout, SSLContext tls) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public Endpoint {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(token, "token");
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        if (!"http".equals(server.getScheme()) && !"https".equals(server.getScheme())) {
            throw new IllegalArgumentException("the server must be an http:// or https:// URL, not " + server);
        }
    }

    public Endpoint(URI server, TokenSource token, Duration connectTimeout) {
        this(server, token, connectTimeout, null);
    }

    public Endpoint(URI server, String token, Duration connectTimeout) {
        this(server, TokenSource.of(token), connectTimeout);
    }

    public Endpoint(URI server, String token) {
        this(server, TokenSource.of(token), DEFAULT_CONNECT_TIMEOUT);
    }
}
