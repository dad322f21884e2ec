package dev.upc.agent.control;

import dev.upc.agent.json.JsonException;
import dev.upc.agent.json.JsonRecords;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * JSON over HTTP/1.1 with the JDK's {@link HttpURLConnection}: no extra threads, nothing to start, keep-alive
 * pooling built in, and fixed-length or chunked streaming of large bodies (the JDK HttpClient's input-stream
 * publisher moves only a few MiB/s). Every non-2xx answer becomes a {@link ControlPlaneException} carrying the
 * service's ErrorResponse message.
 */
final class Http {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int ERROR_BODY_LIMIT = 64 * 1024;

    private final SSLSocketFactory tls;

    /** @param tls what https connections trust ({@link dev.upc.protocol.tls.TrustedCertificates}), or null for the JVM's certificates */
    Http(SSLSocketFactory tls) {
        this.tls = tls;
    }

    <T> T call(String method, URI uri, String bearer, Object body, Class<T> answer, Duration timeout) {
        return call(method, uri, bearer, java.util.Map.of(), body, answer, timeout);
    }

    /** {@link #call(String, URI, String, Object, Class, Duration)} with more request headers. */
    <T> T call(String method, URI uri, String bearer, java.util.Map<String, String> headers, Object body,
               Class<T> answer, Duration timeout) {
        HttpURLConnection connection = open(method, uri, bearer, timeout);
        headers.forEach(connection::setRequestProperty);
        try {
            if (body != null) {
                byte[] bytes = JsonRecords.write(body);
                connection.setDoOutput(true);
                connection.setRequestProperty("Content-Type", "application/json");
                connection.setFixedLengthStreamingMode(bytes.length);
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(bytes);
                }
            }
            int status = connection.getResponseCode();
            if (status / 100 != 2) {
                throw failure(method, uri, connection, status, null);
            }
            try (InputStream in = connection.getInputStream()) {
                byte[] bytes = in.readAllBytes();
                return answer == Void.class || bytes.length == 0 ? null : JsonRecords.read(bytes, answer);
            }
        } catch (IOException e) {
            connection.disconnect();
            throw unreachable(method, uri, e);
        } catch (JsonException e) {
            // as a cut-off answer would be: worth another try
            throw new ControlPlaneException(method + " " + uri.getPath() + ": the answer is not the JSON expected ("
                    + e.getMessage() + ")", 0, null, e);
        }
    }

    HttpURLConnection open(String method, URI uri, String bearer, Duration timeout) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            if (tls != null && connection instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(tls);
            }
            connection.setRequestMethod(method);
            connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            connection.setUseCaches(false);
            connection.setInstanceFollowRedirects(false);
            connection.setRequestProperty("Accept", "application/json");
            if (bearer != null) {
                connection.setRequestProperty("Authorization", "Bearer " + bearer);
            }
            return connection;
        } catch (IOException e) {
            throw unreachable(method, uri, e);
        }
    }

    /** The typed error for a non-2xx answer, with the service's message when it sent an ErrorResponse. */
    ControlPlaneException failure(String method, URI uri, HttpURLConnection connection, int status, Throwable cause) {
        String error = null;
        String message = "HTTP " + status;
        try (InputStream in = connection.getErrorStream()) {
            if (in != null) {
                byte[] bytes = in.readNBytes(ERROR_BODY_LIMIT);
                try {
                    if (JsonRecords.parse(bytes) instanceof java.util.Map<?, ?> node) {
                        error = node.get("error") instanceof String s ? s : null;
                        message = node.get("message") instanceof String s ? s : message;
                    }
                } catch (JsonException notJson) {
                    String text = new String(bytes, StandardCharsets.UTF_8).strip();
                    message = text.isEmpty() ? message : message + ": " + text;
                }
            }
        } catch (IOException ignored) {
            // the status is enough
        }
        return new ControlPlaneException(method + " " + uri.getPath() + " → " + status + " " + message, status, error,
                cause);
    }

    static ControlPlaneException unreachable(String method, URI uri, IOException e) {
        return new ControlPlaneException(method + " " + uri + " failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()), 0, null, e);
    }
}
