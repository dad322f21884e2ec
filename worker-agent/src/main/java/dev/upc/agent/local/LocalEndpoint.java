package dev.upc.agent.local;

import dev.upc.agent.lifecycle.Agent;
import dev.upc.agent.local.LoopbackHttpServer.Request;
import dev.upc.agent.local.LoopbackHttpServer.Response;
import dev.upc.agent.owner.CpuCap;
import dev.upc.agent.owner.OwnerToggle;
import dev.upc.protocol.ErrorResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The agent's local surface, on the loopback interface only (a {@link LoopbackHttpServer}: one thread, idle in
 * {@code accept()}):
 * <ul>
 *   <li>{@code GET /health/live}, {@code GET /health/ready} — for systemd, monitoring, and scripts;</li>
 *   <li>{@code GET /status} — what {@code upc-agent status} prints;</li>
 *   <li>{@code GET /owner}, {@code PUT /owner/active|idle|auto}, {@code PUT /owner/snooze/2h},
 *   {@code PUT /owner/cpu/50|default} — the owner's controls of {@code upc-agent owner};</li>
 *   <li>{@code POST /sleep} — the PC is about to sleep ({@code upc-agent prepare-sleep}, from systemd's sleep hook):
 *   the jobs are held before it answers.</li>
 * </ul>
 * Reading is open to local programs; a change needs the {@link LocalSecret}. No web page can do either (the server
 * checks {@code Host} and {@code Origin}).
 */
public final class LocalEndpoint implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalEndpoint.class);
    /** How long one connection may take, so that a stuck client holds the next one up for at most that. */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** How long a sleep's hold may take before the endpoint answers anyway (systemd waits for the hook). */
    private static final Duration SLEEP_HOLD_TIMEOUT = Duration.ofSeconds(10);

    private final Supplier<?> status;
    private final BooleanSupplier ready;
    private final OwnerToggle toggle;
    private final CpuCap cap;
    private final IntSupplier prepareForSleep;
    private final LocalSecret secret;
    private final LoopbackHttpServer server;

    LocalEndpoint(int port, Supplier<?> status, BooleanSupplier ready, OwnerToggle toggle, CpuCap cap,
            IntSupplier prepareForSleep, LocalSecret secret, Duration timeout) throws IOException {
        this.status = status;
        this.ready = ready;
        this.toggle = toggle;
        this.cap = cap;
        this.prepareForSleep = prepareForSleep;
        this.secret = secret;
        this.server = new LoopbackHttpServer(port, timeout, this::route);
    }

    public static LocalEndpoint start(int port, Agent agent, OwnerToggle toggle, CpuCap cap, LocalSecret secret)
            throws IOException {
        LocalEndpoint endpoint = new LocalEndpoint(port, agent::status, agent::ready, toggle, cap,
                () -> agent.prepareForSleep(SLEEP_HOLD_TIMEOUT), secret, TIMEOUT);
        LOG.infof("local endpoint on http://127.0.0.1:%d (status, health, owner toggle)", endpoint.port());
        return endpoint;
    }

    public int port() {
        return server.port();
    }

    private Response route(Request request) {
        String method = request.method();
        String path = request.path();
        if (path.startsWith("/owner/")) {
            if (!method.equals("PUT") && !method.equals("POST")) {
                return notAllowed(method, "PUT", "PUT, POST");
            }
            if (!secret.admits(request.authorization())) {
                return Response.error(401, "local_secret_required", "a change needs 'Authorization: Bearer' and the"
                        + " secret in the agent's state directory (" + LocalSecret.FILE + "); upc-agent owner sends it");
            }
            return setOwner(path.substring("/owner/".length()));
        }
        if (path.equals("/sleep")) {
            if (!method.equals("POST")) {
                return notAllowed(method, "POST", "POST");
            }
            if (!secret.admits(request.authorization())) {
                return Response.error(401, "local_secret_required", "a sleep needs 'Authorization: Bearer' and the"
                        + " secret in the agent's state directory (" + LocalSecret.FILE + "); upc-agent prepare-sleep"
                        + " sends it");
            }
            int held = prepareForSleep.getAsInt();
            return held < 0 ? Response.error(503, "jobs_not_held", "the jobs were not all held in time")
                    : Response.json(200, Map.of("held", held));
        }
        Supplier<Response> get = switch (path) {
            case "/health/live" -> () -> Response.json(200, Map.of("status", "UP"));
            case "/health/ready" -> () -> {
                boolean up = ready.getAsBoolean();
                return Response.json(up ? 200 : 503, Map.of("status", up ? "UP" : "DOWN"));
            };
            case "/status" -> () -> Response.json(200, status.get());
            case "/owner" -> this::owner;
            default -> null;
        };
        if (get == null) {
            return Response.error(404, "not_found",
                    "no " + path + " here; try /status, /health/live, /health/ready or /owner");
        }
        return method.equals("GET") ? get.get() : notAllowed(method, "GET", "GET");
    }

    private Response setOwner(String name) {
        if (name.startsWith("snooze/")) {
            Duration snooze;
            try {
                snooze = OwnerToggle.parseSnooze(name.substring("snooze/".length()));
            } catch (IllegalArgumentException e) {
                return Response.error(400, "invalid_snooze", e.getMessage());
            }
            toggle.snooze(Instant.now().plus(snooze));
            LOG.infof("owner snoozed lending for %s, until %s", snooze, toggle.snoozedUntil().orElse(null));
            return owner();
        }
        if (name.startsWith("cpu/")) {
            Optional<Integer> percent;
            try {
                percent = CpuCap.parse(name.substring("cpu/".length()));
            } catch (IllegalArgumentException e) {
                return Response.error(400, "invalid_cpu_cap", e.getMessage());
            }
            try {
                cap.choose(percent.orElse(null));
            } catch (RuntimeException e) { // the state file could not be written: nothing changed
                LOG.warnf("cannot keep the owner's CPU cap: %s", e.getMessage());
                return Response.error(503, "cpu_cap_not_saved", "the CPU cap could not be saved (" + e.getMessage()
                        + "); it is unchanged");
            }
            LOG.infof("owner set the CPU cap to %d %%%s", cap.percent(), percent.isEmpty() ? " (configured)" : "");
            return owner();
        }
        OwnerToggle.Mode mode;
        try {
            mode = OwnerToggle.Mode.parse(name);
        } catch (IllegalArgumentException e) {
            return Response.error(400, "invalid_owner_mode", e.getMessage());
        }
        toggle.set(mode);
        LOG.infof("owner toggle set to %s", mode);
        return owner();
    }

    private Response owner() {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("mode", name(toggle.mode()));
        toggle.snoozedUntil().ifPresent(until -> body.put("snoozedUntil", until.toString()));
        body.put("cpuPercent", cap.percent());
        body.put("cpuPercentConfigured", cap.configured());
        return Response.json(200, body);
    }

    private static Response notAllowed(String method, String use, String allow) {
        return new Response(405,
                ErrorResponse.of(405, "method_not_allowed", method + " is not allowed here; use " + use), allow);
    }

    private static String name(OwnerToggle.Mode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        server.close();
    }
}
