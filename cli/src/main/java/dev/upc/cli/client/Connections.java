package dev.upc.cli.client;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/** Opens the HttpURLConnections of {@link UrlConnectionTransport} and {@link BlobHttp} the one same way. */
final class Connections {

    private Connections() {
    }

    /**
     * A connection with its timeouts, no redirects and the bearer token; an https one goes through {@code tls} when
     * given (one factory per client: the JDK reuses a kept-alive connection only for the same factory), else the
     * JVM's default.
     */
    static HttpURLConnection open(Service service, URI uri, String method, String bearer, Duration connectTimeout,
                                  Duration readTimeout, SSLSocketFactory tls) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            if (tls != null && connection instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(tls);
            }
            connection.setRequestMethod(method);
            connection.setConnectTimeout((int) connectTimeout.toMillis());
            connection.setReadTimeout((int) readTimeout.toMillis());
            connection.setInstanceFollowRedirects(false);
            connection.setRequestProperty("Authorization", "Bearer " + bearer);
            return connection;
        } catch (IOException e) {
            throw Failures.io(service, uri, e, connectTimeout);
        }
    }
}
