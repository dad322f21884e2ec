package dev.upc.agent.libpod;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request to libpod.
 *
 * @param method         HTTP method
 * @param path           path below the API version prefix, e.g. {@code /libpod/containers/create}
 * @param query          query parameters, encoded by the transport, in order
 * @param body           request body, {@code null} for none
 * @param responseTimeout how long to wait for the response head once the body is sent (covers slow
 *                        server-side work such as a CRIU dump)
 * @param idleTimeout    how long a body may stall in either direction before the exchange is abandoned
 */
public record LibpodRequest(String method, String path, Map<String, String> query, Body body,
                            Duration responseTimeout, Duration idleTimeout) {

    public LibpodRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        query = Map.copyOf(query == null ? Map.of() : query);
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /** Path and encoded query as sent on the request line. */
    public String target() {
        if (query.isEmpty()) {
            return path;
        }
        StringBuilder target = new StringBuilder(path).append('?');
        new java.util.TreeMap<>(query).forEach((name, value) -> {
            if (target.charAt(target.length() - 1) != '?') {
                target.append('&');
            }
            target.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        return target.toString();
    }

    public static Builder builder(String method, String path) {
        return new Builder(method, path);
    }

    /** A request body: bytes known up front, or a stream sent chunked. */
    public interface Body {

        String contentType();

        /** The exact length, or -1 when unknown (the body is then sent with chunked encoding). */
        long length();

        void writeTo(OutputStream out) throws IOException;

        static Body json(byte[] json) {
            return bytes("application/json", json);
        }

        static Body bytes(String contentType, byte[] bytes) {
            return new Body() {
                @Override
                public String contentType() {
                    return contentType;
                }

                @Override
                public long length() {
                    return bytes.length;
                }

                @Override
                public void writeTo(OutputStream out) throws IOException {
                    out.write(bytes);
                }
            };
        }

        /** Streams {@code in} to the end; {@code length} may be -1. The caller closes {@code in}. */
        static Body stream(String contentType, InputStream in, long length) {
            return new Body() {
                @Override
                public String contentType() {
                    return contentType;
                }

                @Override
                public long length() {
                    return length;
                }

                @Override
                public void writeTo(OutputStream out) throws IOException {
                    in.transferTo(out);
                }
            };
        }
    }

    public static final class Builder {
        private final String method;
        private final String path;
        private final Map<String, String> query = new LinkedHashMap<>();
        private Body body;
        private Duration responseTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(30);

        private Builder(String method, String path) {
            this.method = method;
            this.path = path;
        }

        public Builder query(String name, Object value) {
            if (value != null) {
                query.put(name, String.valueOf(value));
            }
            return this;
        }

        public Builder body(Body body) {
            this.body = body;
            return this;
        }

        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = timeout;
            return this;
        }

        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        public LibpodRequest build() {
            return new LibpodRequest(method, path, query, body, responseTimeout, idleTimeout);
        }
    }
}
