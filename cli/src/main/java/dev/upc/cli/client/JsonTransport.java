package dev.upc.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The HTTP layer of {@link UpcClient} for JSON: one call, one stream of lines. Two transports implement it and pass one
 * contract test: the JDK HttpClient ({@link HttpClientTransport}) and HttpURLConnection
 * ({@link UrlConnectionTransport}). Both send the bearer token, map every status outside 2xx to {@link UpcApiException}
 * and every I/O failure to {@link UpcConnectionException}.
 */
interface JsonTransport extends AutoCloseable {

    /** One request with an optional JSON body (null = none); its 2xx JSON answer read as {@code type}. */
    <T> T send(Service service, String method, URI uri, Object body, Class<T> type);

    /**
     * A GET whose answer is newline-delimited JSON, handed to {@code onEntry} entry by entry as the lines arrive.
     * Without a timeout once the answer has begun: a followed log streams as long as its job runs.
     */
    <T> void streamLines(Service service, URI uri, String accept, Class<T> type, Consumer<T> onEntry);

    @Override
    void close();

    default <T> T get(Service service, URI uri, Class<T> type) {
        return send(service, "GET", uri, null, type);
    }

    default <T> T post(Service service, URI uri, Object body, Class<T> type) {
        return send(service, "POST", uri, body, type);
    }

    default <T> T delete(Service service, URI uri, Class<T> type) {
        return send(service, "DELETE", uri, null, type);
    }

    static byte[] toJson(Object body) {
        try {
            return ProtocolJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Reads NDJSON until the end of {@code body}; blank lines are keep-alives. */
    static <T> void readLines(InputStream body, Class<T> type, Consumer<T> onEntry) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (!line.isBlank()) {
                onEntry.accept(ProtocolJson.MAPPER.readValue(line, type));
            }
        }
    }
}
