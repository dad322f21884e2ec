package dev.upc.agent.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.upc.agent.lifecycle.Agent;
import dev.upc.agent.owner.OwnerToggle;
import dev.upc.protocol.ErrorResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The agent's local surface, on the loopback interface only (JDK http server: nothing to start but a socket):
 * <ul>
 *   <li>{@code GET /health/live}, {@code GET /health/ready} — for systemd, monitoring, and scripts;</li>
 *   <li>{@code GET /status} — what {@code upc-agent status} prints;</li>
 *   <li>{@code GET /owner}, {@code PUT /owner/active|idle|auto} — the owner toggle of {@code upc-agent owner}.</li>
 * </ul>
 */
public final class LocalEndpoint implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalEndpoint.class);

    private final HttpServer server;

    private LocalEndpoint(HttpServer server) {
        this.server = server;
    }

    public static LocalEndpoint start(int port, Agent agent, OwnerToggle toggle, ObjectMapper json) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/health/live", exchange -> answer(exchange, json, "GET", 200, Map.of("status", "UP")));
        server.createContext("/health/ready", exchange -> {
            boolean ready = agent.ready();
            answer(exchange, json, "GET", ready ? 200 : 503, Map.of("status", ready ? "UP" : "DOWN"));
        });
        server.createContext("/status", exchange -> answer(exchange, json, "GET", 200, agent.status()));
        server.createContext("/owner", exchange -> owner(exchange, toggle, json));
        server.start();
        LOG.infof("local endpoint on http://127.0.0.1:%d (status, health, owner toggle)", server.getAddress().getPort());
        return new LocalEndpoint(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void owner(HttpExchange exchange, OwnerToggle toggle, ObjectMapper json) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/owner")) {
            answer(exchange, json, "GET", 200, Map.of("mode", toggle.mode().name().toLowerCase()));
            return;
        }
        if (!exchange.getRequestMethod().equals("PUT") && !exchange.getRequestMethod().equals("POST")) {
            answer(exchange, json, "PUT", 405, null);
            return;
        }
        OwnerToggle.Mode mode;
        try {
            mode = OwnerToggle.Mode.parse(path.substring("/owner/".length()));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            send(exchange, json, 400, ErrorResponse.of(400, "invalid_owner_mode", e.getMessage()));
            return;
        }
        toggle.set(mode);
        LOG.infof("owner toggle set to %s", mode);
        send(exchange, json, 200, Map.of("mode", mode.name().toLowerCase()));
    }

    private static void answer(HttpExchange exchange, ObjectMapper json, String method, int status, Object body)
            throws IOException {
        if (!exchange.getRequestMethod().equals(method)) {
            send(exchange, json, 405, ErrorResponse.of(405, "method_not_allowed",
                    exchange.getRequestMethod() + " is not allowed here; use " + method));
            return;
        }
        send(exchange, json, status, body);
    }

    private static void send(HttpExchange exchange, ObjectMapper json, int status, Object body) throws IOException {
        try (exchange) {
            byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
