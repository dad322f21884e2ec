package dev.upc.cli.client;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/** Opens the HttpURLConnections of {@link UrlConnectionTransport} and {@link BlobHttp} the one same way. */
final class Connections {

    private Connections() {
    }

    /**
     * A connection with its timeouts, no redirects and the bearer token; an https one trusts {@code tls}'s
     * certificates when given, else the JVM's.
     */
    static HttpURLConnection open(Service service, URI uri, String method, String bearer, Duration connectTimeout,
                                  Duration readTimeout, SSLContext tls) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            if (tls != null && connection instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(tls.getSocketFactory());
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
