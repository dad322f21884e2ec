package dev.upc.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * JSON calls over HttpURLConnection. It starts in a fraction of the JDK HttpClient's time (no selector thread, no TLS
 * set-up for a plain-http server), which is most of a short command's run; connections are kept alive all the same.
 */
final class UrlConnectionTransport implements JsonTransport {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final TokenSource token;
    private final Duration connectTimeout;
    private final SSLSocketFactory tls;

    UrlConnectionTransport(TokenSource token, Duration connectTimeout, SSLContext tls) {
        this.tls = tls == null ? null : tls.getSocketFactory();
        this.token = token;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public <T> T send(Service service, String method, URI uri, Object body, Class<T> type) {
        byte[] json = body == null ? null : JsonTransport.toJson(body);
        HttpURLConnection connection = open(service, uri, method, "application/json", READ_TIMEOUT);
        try {
            if (json != null) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(json.length);
                connection.setRequestProperty("Content-Type", "application/json");
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(json);
                }
            } else if (!method.equals("GET") && !method.equals("DELETE")) {
                connection.setDoOutput(true);
                connection.setFixedLengthStreamingMode(0);
                connection.getOutputStream().close(); // "Content-Length: 0", as a body-less POST needs
            }
            int status = connection.getResponseCode();
            if (status / 100 != 2) {
                throw Failures.status(method, uri, status, errorBody(connection));
            }
            try (InputStream in = connection.getInputStream()) {
                if (type == Void.class || status == 204) {
                    in.transferTo(OutputStream.nullOutputStream()); // e.g. 204 No Content: no JSON to read
                    return null;
                }
                return ProtocolJson.MAPPER.readValue(in, type);
            }
        } catch (IOException e) {
            throw Failures.io(service, uri, e, connectTimeout);
        }
    }

    @Override
    public <T> void streamLines(Service service, URI uri, String accept, Class<T> type, Consumer<T> onEntry) {
        // no read timeout: a followed log may be quiet for as long as its job prints nothing
        HttpURLConnection connection = open(service, uri, "GET", accept, Duration.ZERO);
        try {
            int status = connection.getResponseCode();
            if (status / 100 != 2) {
                throw Failures.status("GET", uri, status, errorBody(connection));
            }
            try (InputStream in = connection.getInputStream()) {
                JsonTransport.readLines(in, type, onEntry);
            }
        } catch (IOException e) {
            throw Failures.io(service, uri, e, connectTimeout);
        }
    }

    private HttpURLConnection open(Service service, URI uri, String method, String accept, Duration readTimeout) {
        HttpURLConnection connection = Connections.open(service, uri, method, token.token(), connectTimeout,
                readTimeout, tls);
        connection.setRequestProperty("Accept", accept);
        return connection;
    }

    private static byte[] errorBody(HttpURLConnection connection) throws IOException {
        try (InputStream in = connection.getErrorStream()) {
            return in == null ? new byte[0] : in.readNBytes(64 * 1024);
        }
    }

    @Override
    public void close() {
        // HttpURLConnection keeps idle connections in the JDK's keep-alive cache, which closes them itself
    }
}
