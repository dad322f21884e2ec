package dev.upc.cli.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.upc.cli.client.ProtocolJson;
import dev.upc.protocol.ErrorResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server a test scripts route by route, recording every request it gets. Unscripted routes answer
 * 404 with an ErrorResponse, as a UPC service would.
 */
public final class FakeApi implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private FakeApi(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
    }

    public static FakeApi start() {
        try {
            FakeApi api = new FakeApi(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    16));
            api.server.start();
            return api;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers {@code method path} (the path without its query) with {@code route}. */
    public FakeApi on(String method, String path, Route route) {
        routes.put(method + " " + path, route);
        return this;
    }

    /** Answers {@code method path} with {@code body} as JSON. */
    public FakeApi json(String method, String path, int status, Object body) {
        return on(method, path, exchange -> exchange.json(status, body));
    }

    public FakeApi error(String method, String path, int status, String code, String message) {
        return json(method, path, status, ErrorResponse.of(status, code, message));
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            byte[] body;
            try (InputStream in = http.getRequestBody()) {
                body = in.readAllBytes();
            }
            Request request = new Request(http.getRequestMethod(), http.getRequestURI().getRawPath(),
                    http.getRequestURI().getRawQuery(), http.getRequestHeaders().getFirst("Authorization"),
                    http.getRequestHeaders().getFirst("Accept"), http.getRequestHeaders().getFirst("X-Upc-Sha256"),
                    http.getRequestHeaders().getFirst("Content-Type"), body);
            requests.add(request);
            Route route = routes.get(request.method() + " " + request.path());
            Exchange exchange = new Exchange(http, request);
            if (route == null) {
                exchange.json(404, ErrorResponse.of(404, "not_found", "no route " + request.method() + " "
                        + request.path()));
            } else {
                route.answer(exchange);
            }
        } catch (IOException | RuntimeException e) {
            // the client went away mid-answer; the test sees it on its side
        }
    }

    /** What a request carried. */
    public record Request(String method, String path, String query, String authorization, String accept,
                          String sha256Header, String contentType, byte[] body) {

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public <T> T bodyAs(Class<T> type) {
            try {
                return ProtocolJson.MAPPER.readValue(body, type);
            } catch (IOException e) {
                throw new IllegalStateException("not a " + type.getSimpleName() + ": " + bodyText(), e);
            }
        }

        /** One query parameter's raw value, or null. */
        public String param(String name) {
            if (query == null) {
                return null;
            }
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals(name)) {
                    return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    }

    /** One answer in the making. */
    public static final class Exchange {
        private final HttpExchange http;
        private final Request request;

        Exchange(HttpExchange http, Request request) {
            this.http = http;
            this.request = request;
        }

        public Request request() {
            return request;
        }

        public void json(int status, Object body) throws IOException {
            bytes(status, "application/json", ProtocolJson.MAPPER.writeValueAsBytes(body));
        }

        public void bytes(int status, String contentType, byte[] body) throws IOException {
            http.getResponseHeaders().set("Content-Type", contentType);
            http.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = http.getResponseBody()) {
                out.write(body);
            }
        }

        /** Starts a streamed answer (chunked), for NDJSON. */
        public OutputStream stream(int status, String contentType) throws IOException {
            http.getResponseHeaders().set("Content-Type", contentType);
            http.sendResponseHeaders(status, 0);
            return http.getResponseBody();
        }
    }

    @FunctionalInterface
    public interface Route {
        void answer(Exchange exchange) throws IOException;
    }
}
