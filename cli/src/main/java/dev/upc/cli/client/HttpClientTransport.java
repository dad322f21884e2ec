package dev.upc.cli.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * JSON calls over the JDK HttpClient (HTTP/1.1: the services speak plain HTTP/1.1 and an h2c upgrade attempt only
 * costs a round trip). Every status outside 2xx and every I/O failure leaves here as a {@link UpcClientException}.
 */
final class HttpClientTransport implements JsonTransport {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final TokenSource token;
    private final Duration connectTimeout;

    HttpClientTransport(TokenSource token, Duration connectTimeout, SSLContext tls) {
        this.token = token;
        this.connectTimeout = connectTimeout;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder.build();
    }

    @Override
    public <T> T send(Service service, String method, URI uri, Object body, Class<T> type) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(JsonTransport.toJson(body));
        HttpRequest.Builder request = request(uri, "application/json").timeout(REQUEST_TIMEOUT)
                .method(method, publisher);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 != 2) {
                throw Failures.status(method, uri, response.statusCode(), response.body());
            }
            if (type == Void.class || response.statusCode() == 204) {
                return null; // e.g. 204 No Content: there is no JSON to read
            }
            return ProtocolJson.MAPPER.readValue(response.body(), type);
        } catch (IOException e) {
            throw Failures.io(service, uri, e, connectTimeout);
        } catch (InterruptedException e) {
            throw Failures.interrupted(method, uri, e);
        }
    }

    @Override
    public <T> void streamLines(Service service, URI uri, String accept, Class<T> type, Consumer<T> onEntry) {
        HttpRequest request = request(uri, accept).timeout(REQUEST_TIMEOUT).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    throw Failures.status("GET", uri, response.statusCode(), body.readNBytes(64 * 1024));
                }
                JsonTransport.readLines(body, type, onEntry);
            }
        } catch (IOException e) {
            throw Failures.io(service, uri, e, connectTimeout);
        } catch (InterruptedException e) {
            throw Failures.interrupted("GET", uri, e);
        }
    }

    private HttpRequest.Builder request(URI uri, String accept) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token.token())
                .header("Accept", accept);
    }

    /** Frees the client's selector thread where the JDK can (21+); on 17 it ends with the last reference. */
    @Override
    public void close() {
        if (http instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing an idle client cannot fail in a way the caller could act on
            }
        }
    }
}
