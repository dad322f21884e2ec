package dev.upc.agent.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.agent.owner.CpuCap;
import dev.upc.agent.owner.OwnerToggle;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real sockets against a real endpoint; the agent is replaced by a status supplier and a readiness flag. */
class LocalEndpointTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "0123456789abcdefghijABCDEFGHIJ-_0123456789x";
    /** What a local client sends: a loopback Host and the secret. */
    private static final String LOCAL = "Host: 127.0.0.1\r\nAuthorization: Bearer " + SECRET + "\r\n";

    private final OwnerToggle toggle = new OwnerToggle();
    private final List<Integer> saved = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean saveFails;
    private final CpuCap cap = new CpuCap(80, null, percent -> {
        if (saveFails) {
            throw new java.io.UncheckedIOException(new IOException("disk full"));
        }
        saved.add(percent);
    });
    private volatile boolean ready;
    private final java.util.concurrent.atomic.AtomicInteger sleeps = new java.util.concurrent.atomic.AtomicInteger();
    private volatile RuntimeException statusFailure;
    private LocalEndpoint endpoint;

    @BeforeEach
    void start() throws IOException {
        endpoint = new LocalEndpoint(0, this::status, () -> ready, toggle, cap, sleeps::incrementAndGet,
                LocalSecret.of(SECRET), TIMEOUT);
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private Object status() {
        if (statusFailure != null) {
            throw statusFailure;
        }
        return Map.of("registered", true, "containers", List.of());
    }

    @Test
    void healthLiveIsUp() throws IOException {
        Answer answer = get("/health/live");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers()).containsEntry("content-type", "application/json")
                .containsEntry("connection", "close");
        assertThat(answer.json().path("status").asText()).isEqualTo("UP");
    }

    @Test
    void healthReadyFollowsTheAgent() throws IOException {
        Answer down = get("/health/ready");
        ready = true;
        Answer up = get("/health/ready");

        assertThat(down.status()).isEqualTo(503);
        assertThat(down.json().path("status").asText()).isEqualTo("DOWN");
        assertThat(up.status()).isEqualTo(200);
        assertThat(up.json().path("status").asText()).isEqualTo("UP");
    }

    @Test
    void statusIsTheAgentsStatusAndIgnoresAQuery() throws IOException {
        Answer answer = get("/status?verbose=1");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("registered").asBoolean()).isTrue();
        assertThat(answer.body()).contains("\n").as("pretty-printed, as before");
    }

    @Test
    void ownerReadsAndSetsTheToggle() throws IOException {
        assertThat(get("/owner").json().path("mode").asText()).isEqualTo("auto");

        Answer idle = send("PUT /owner/idle HTTP/1.1\r\n" + LOCAL + "Content-Length: 0\r\n\r\n");
        assertThat(idle.status()).isEqualTo(200);
        assertThat(idle.json().path("mode").asText()).isEqualTo("idle");
        assertThat(toggle.mode()).isEqualTo(OwnerToggle.Mode.IDLE);

        Answer active = send("POST /owner/Active HTTP/1.1\r\n" + LOCAL + "Content-Length: 5\r\n\r\nhello");
        assertThat(active.status()).isEqualTo(200);
        assertThat(toggle.mode()).isEqualTo(OwnerToggle.Mode.ACTIVE);
        assertThat(get("/owner").json().path("mode").asText()).isEqualTo("active");
    }

    @Test
    void aSleepIsAnnouncedOnlyWithTheSecretAndByPost() throws IOException {
        Answer anonymous = send("POST /sleep HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(get("/sleep").status()).isEqualTo(405);
        assertThat(sleeps).hasValue(0);

        Answer announced = send("POST /sleep HTTP/1.1\r\n" + LOCAL + "Content-Length: 0\r\n\r\n");
        assertThat(announced.status()).isEqualTo(200);
        assertThat(announced.json().path("held").asInt()).as("what the agent says it held").isEqualTo(1);
        assertThat(sleeps).hasValue(1);
    }

    @Test
    void aSnoozeKeepsThePcUntilItEndsAndBadOnesAreRefused() throws IOException {
        java.time.Instant before = java.time.Instant.now();

        Answer snooze = send("PUT /owner/snooze/2h HTTP/1.1\r\n" + LOCAL + "\r\n");

        assertThat(snooze.status()).isEqualTo(200);
        assertThat(snooze.json().path("mode").asText()).isEqualTo("active");
        java.time.Instant until = java.time.Instant.parse(snooze.json().path("snoozedUntil").asText());
        assertThat(until).isBetween(before.plusSeconds(7199), before.plusSeconds(7300));
        assertThat(toggle.mode()).isEqualTo(OwnerToggle.Mode.ACTIVE);
        toggle.expire(until.minusSeconds(1));
        assertThat(toggle.mode()).isEqualTo(OwnerToggle.Mode.ACTIVE);
        toggle.expire(until);
        assertThat(toggle.mode()).as("over: the detectors decide again").isEqualTo(OwnerToggle.Mode.AUTO);
        assertThat(get("/owner").json().has("snoozedUntil")).isFalse();

        for (String bad : new String[] {"2", "0h", "8d", "2 hours", "-1h", "99999999h"}) {
            Answer refused = put("/owner/snooze/" + bad.replace(" ", "%20"));
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.json().path("error").asText()).isEqualTo("invalid_snooze");
        }
        assertThat(toggle.mode()).isEqualTo(OwnerToggle.Mode.AUTO);
    }

    @Test
    void theCpuCapIsSetSavedAndBackToTheConfiguredOne() throws IOException {
        List<Integer> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        cap.addListener(told::add);
        assertThat(get("/owner").json().path("cpuPercent").asInt()).isEqualTo(80);

        Answer half = send("PUT /owner/cpu/50 HTTP/1.1\r\n" + LOCAL + "\r\n");
        Answer same = send("PUT /owner/cpu/50 HTTP/1.1\r\n" + LOCAL + "\r\n");

        assertThat(half.status()).isEqualTo(200);
        assertThat(half.json().path("cpuPercent").asInt()).isEqualTo(50);
        assertThat(half.json().path("cpuPercentConfigured").asInt()).isEqualTo(80);
        assertThat(same.status()).isEqualTo(200);
        assertThat(cap.share()).isEqualTo(0.5);
        assertThat(told).as("told once: the second changed nothing").containsExactly(50);

        Answer back = send("PUT /owner/cpu/default HTTP/1.1\r\n" + LOCAL + "\r\n");

        assertThat(back.json().path("cpuPercent").asInt()).isEqualTo(80);
        assertThat(cap.chosen()).isEmpty();
        assertThat(saved).containsExactly(50, 50, null);
        assertThat(told).containsExactly(50, 80);
    }

    @Test
    void aBadOrUnsavableCpuCapIsRefusedAndChangesNothing() throws IOException {
        for (String bad : new String[] {"0", "101", "-5", "half", "50.5", "1000", ""}) {
            Answer refused = send("PUT /owner/cpu/" + bad + " HTTP/1.1\r\n" + LOCAL + "\r\n");
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.json().path("error").asText()).isEqualTo("invalid_cpu_cap");
        }
        saveFails = true;

        Answer unsaved = send("PUT /owner/cpu/30 HTTP/1.1\r\n" + LOCAL + "\r\n");

        assertThat(unsaved.status()).isEqualTo(503);
        assertThat(unsaved.json().path("error").asText()).isEqualTo("cpu_cap_not_saved");
        assertThat(cap.percent()).isEqualTo(80);
        assertThat(saved).isEmpty();
    }

    @Test
    void settingTheModeEndsASnooze() throws IOException {
        send("PUT /owner/snooze/30m HTTP/1.1\r\n" + LOCAL + "\r\n");
        send("PUT /owner/active HTTP/1.1\r\n" + LOCAL + "\r\n");

        toggle.expire(java.time.Instant.now().plus(java.time.Duration.ofDays(1)));

        assertThat(toggle.mode()).as("set by hand: no longer a snooze").isEqualTo(OwnerToggle.Mode.ACTIVE);
    }

    @Test
    void anUnknownOwnerModeIsABadRequest() throws IOException {
        Answer answer = send("PUT /owner/away HTTP/1.1\r\n" + LOCAL + "\r\n");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().path("status").asInt()).isEqualTo(400);
        assertThat(answer.json().path("error").asText()).isEqualTo("invalid_owner_mode");
        assertThat(answer.json().path("message").asText()).contains("active, idle, auto");
        assertThat(toggle.mode()).isEqualTo(OwnerToggle.Mode.AUTO);
    }

    @Test
    void theCliClientSetsTheOwnerWithTheSecretFromTheStateDirectory(@TempDir Path stateDir) throws IOException {
        Files.writeString(stateDir.resolve(LocalSecret.FILE), SECRET + "\n");

        assertThat(LocalCommand.owner(endpoint.port(), stateDir, "owner", "idle")).contains(0);
        assertThat(toggle.mode()).isEqualTo(OwnerToggle.Mode.IDLE);

        Files.delete(stateDir.resolve(LocalSecret.FILE));
        assertThat(LocalCommand.owner(endpoint.port(), stateDir, "owner", "active")).as("no secret: nothing sent")
                .contains(1);
        assertThat(LocalCommand.owner(endpoint.port(), stateDir, "owner", "show")).as("reading needs none")
                .contains(0);
        assertThat(toggle.mode()).isEqualTo(OwnerToggle.Mode.IDLE);
    }

    @Test
    void aChangeWithoutTheSecretIsRefusedAndChangesNothing() throws IOException {
        for (String authorization : new String[] {"", "Authorization: Bearer wrong\r\n",
                "Authorization: Basic " + SECRET + "\r\n", "Authorization: Bearer " + SECRET + "x\r\n",
                "Authorization: Bearer " + SECRET.substring(1) + "\r\n"}) {
            Answer refused = send("PUT /owner/active HTTP/1.1\r\nHost: 127.0.0.1\r\n" + authorization + "\r\n");

            assertThat(refused.status()).as(authorization).isEqualTo(401);
            assertThat(refused.json().path("error").asText()).isEqualTo("local_secret_required");
        }
        assertThat(toggle.mode()).isEqualTo(OwnerToggle.Mode.AUTO);
        assertThat(send("GET /owner HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status()).as("reading is open")
                .isEqualTo(200);
        assertThat(send("PUT /owner/active HTTP/1.1\r\nHost: 127.0.0.1\r\nauthorization: bearer " + SECRET
                + "\r\n\r\n").status()).as("header and scheme names are case-insensitive").isEqualTo(200);
    }

    @Test
    void onlyRequestsForALoopbackNameAreServed() throws IOException {
        for (String host : new String[] {"127.0.0.1", "localhost:7787", "LOCALHOST", "[::1]:80", "127.0.0.1:1"}) {
            assertThat(send("GET /status HTTP/1.1\r\nHost: " + host + "\r\n\r\n").status()).as(host)
                    .isEqualTo(200);
        }
        for (String head : new String[] {"Host: evil.example\r\n", "Host: 127.0.0.1.evil.example\r\n",
                "Host: localhost.evil.example:7787\r\n", "Host: 10.0.0.1\r\n", "", "Host: \r\n"}) {
            Answer refused = send("PUT /owner/active HTTP/1.1\r\n" + head + "Authorization: Bearer " + SECRET
                    + "\r\n\r\n");

            assertThat(refused.status()).as("a DNS-rebound page or no Host: " + head).isEqualTo(403);
            assertThat(refused.json().path("error").asText()).isEqualTo("host_not_allowed");
        }
        assertThat(toggle.mode()).isEqualTo(OwnerToggle.Mode.AUTO);
    }

    @Test
    void aRequestFromAWebPageIsRefused() throws IOException {
        for (String origin : new String[] {"http://evil.example", "null", "http://127.0.0.1:7787"}) {
            Answer read = send("GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: " + origin + "\r\n\r\n");
            Answer change = send("PUT /owner/active HTTP/1.1\r\n" + LOCAL + "Origin: " + origin + "\r\n\r\n");

            assertThat(read.status()).as(origin).isEqualTo(403);
            assertThat(read.json().path("error").asText()).isEqualTo("cross_origin_refused");
            assertThat(change.status()).isEqualTo(403);
        }
        assertThat(toggle.mode()).isEqualTo(OwnerToggle.Mode.AUTO);
    }

    @Test
    void anUnknownPathIsNotFound() throws IOException {
        Answer answer = get("/nope");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().path("status").asInt()).isEqualTo(404);
        assertThat(answer.json().path("error").asText()).isEqualTo("not_found");
        assertThat(get("/statusx").status()).as("exact paths").isEqualTo(404);
    }

    @Test
    void aWrongMethodIsNotAllowedAndSaysWhatIs() throws IOException {
        Answer post = send("POST /status HTTP/1.1\r\n" + LOCAL + "\r\n");
        Answer getOwnerMode = get("/owner/idle");
        Answer putOwner = send("PUT /owner HTTP/1.1\r\n" + LOCAL + "\r\n");

        assertThat(post.status()).isEqualTo(405);
        assertThat(post.headers()).containsEntry("allow", "GET");
        assertThat(post.json().path("error").asText()).isEqualTo("method_not_allowed");
        assertThat(post.json().path("message").asText()).isEqualTo("POST is not allowed here; use GET");
        assertThat(getOwnerMode.status()).isEqualTo(405);
        assertThat(getOwnerMode.headers()).containsEntry("allow", "PUT, POST");
        assertThat(getOwnerMode.json().path("message").asText()).isEqualTo("GET is not allowed here; use PUT");
        assertThat(putOwner.status()).isEqualTo(405);
        Answer head = send("HEAD /status HTTP/1.1\r\n" + LOCAL + "\r\n");
        assertThat(head.status()).isEqualTo(405);
        assertThat(head.headers().get("content-length")).isNotEqualTo("0");
        assertThat(head.body()).as("no body to a HEAD").isEmpty();
        assertThat(toggle.mode()).isEqualTo(OwnerToggle.Mode.AUTO);
    }

    @Test
    void malformedRequestsAreRefusedAndTheServerGoesOn() throws IOException {
        for (String request : List.of("hello\r\n\r\n", "GET /status\r\n\r\n", "GET status HTTP/1.1\r\n\r\n",
                "GET /status HTTP/2.0\r\n\r\n", "GET /status HTTP/1.1\r\nno colon\r\n\r\n",
                "GET /status HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "\r\n\r\n")) {
            Answer answer = send(request);

            assertThat(answer.status()).as(request).isEqualTo(400);
            assertThat(answer.json().path("error").asText()).isEqualTo("bad_request");
        }
        assertThat(send("GET /status HTTP/1.1\r\nHost: x\r\n", true).status()).as("closed inside the head")
                .isEqualTo(400);
        assertThat(get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void aBareLineFeedHeadIsAccepted() throws IOException {
        assertThat(send("GET /health/live HTTP/1.0\nHost: localhost\n\n").status()).isEqualTo(200);
    }

    @Test
    void anOversizedHeadIsRefusedAndTheServerGoesOn() throws IOException {
        Answer answer = send("GET /status HTTP/1.1\r\nX-Pad: " + "a".repeat(9000) + "\r\n\r\n");

        assertThat(answer.status()).isEqualTo(431);
        assertThat(answer.json().path("status").asInt()).isEqualTo(431);
        assertThat(get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void onlySmallBodiesWithALengthAreAccepted() throws IOException {
        Answer large = send("PUT /owner/idle HTTP/1.1\r\n" + LOCAL + "Content-Length: 2000\r\n\r\n"
                + "x".repeat(2000));
        Answer chunked = send("PUT /owner/idle HTTP/1.1\r\n" + LOCAL
                + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        assertThat(large.status()).isEqualTo(413);
        assertThat(chunked.status()).isEqualTo(411);
        assertThat(toggle.mode()).isEqualTo(OwnerToggle.Mode.AUTO);
        assertThat(send("PUT /owner/idle HTTP/1.1\r\n" + LOCAL + "Content-Length: 1024\r\n\r\n"
                + "x".repeat(1024)).status())
                .isEqualTo(200);
    }

    @Test
    void aFailingStatusIsAnInternalErrorAndTheServerGoesOn() throws IOException {
        statusFailure = new IllegalStateException("boom");

        Answer answer = get("/status");

        assertThat(answer.status()).isEqualTo(500);
        assertThat(answer.json().path("error").asText()).isEqualTo("internal_error");
        assertThat(get("/health/live").status()).isEqualTo(200);
    }

    @Test
    void aSilentClientHoldsTheNextOneUpOnlyUntilTheTimeout() throws IOException {
        try (Socket silent = connect()) {
            long start = System.nanoTime();

            Answer answer = get("/health/live");

            assertThat(answer.status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(2));
        }
    }

    @Test
    void aTricklingClientIsCutOffAtTheDeadline() throws Exception {
        try (Socket trickle = connect()) {
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = trickle.getOutputStream();
                    out.write("GET /status HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 100; i++) {
                        out.write('X');
                        Thread.sleep(50);
                    }
                } catch (IOException | InterruptedException e) {
                    // cut off: expected
                }
            });
            writer.setDaemon(true);
            writer.start();
            Thread.sleep(100);
            long start = System.nanoTime();

            Answer answer = get("/health/live");

            assertThat(answer.status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusSeconds(2));
            writer.interrupt();
        }
    }

    @Test
    void closeEndsTheThreadAndFreesThePort() throws IOException {
        int port = endpoint.port();
        assertThat(serverThread(port)).isNotNull();

        try (Socket silent = connect()) {
            long start = System.nanoTime();
            endpoint.close();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("does not wait for the client")
                    .isLessThan(TIMEOUT);
        }

        assertThat(serverThread(port)).isNull();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
        endpoint.close();
    }

    @Test
    void theIdleServerThreadNeverWakesUp() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
        get("/health/live");
        Thread.sleep(200); // lets it close that connection and go back to accept()
        // Looked up only now: right after the previous test, its endpoint's thread may still be exiting under the
        // same name while this one's native thread is not named yet.
        Path task = nativeServerThread();
        assertThat(task).as("exactly one upc-local-endpoint thread").isNotNull();
        String before = Files.readString(task.resolve("schedstat"));

        Thread.sleep(1500);

        assertThat(Files.readString(task.resolve("schedstat"))).as("run time, wait time, times scheduled")
                .isEqualTo(before);
    }

    // ---- a raw HTTP client ----------------------------------------------------------------------------------------

    private record Answer(int status, Map<String, String> headers, String body) {

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private Answer get(String path) throws IOException {
        return send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    }

    private Answer put(String path) throws IOException {
        return send("PUT " + path + " HTTP/1.1\r\n" + LOCAL + "\r\n");
    }

    private Answer send(String request) throws IOException {
        return send(request, false);
    }

    private Answer send(String request, boolean halfClose) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            if (halfClose) {
                socket.shutdownOutput();
            }
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = response.indexOf("\r\n\r\n");
            String[] lines = response.substring(0, end).split("\r\n");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                String name = lines[i].substring(0, colon).toLowerCase(Locale.ROOT);
                headers.put(name, lines[i].substring(colon + 1).strip());
            }
            String body = response.substring(end + 4);
            assertThat(lines[0]).startsWith("HTTP/1.1 ");
            if (!request.startsWith("HEAD ")) {
                assertThat(headers.get("content-length")).isEqualTo(String.valueOf(body.length()));
            }
            return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), endpoint.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static Thread serverThread(int port) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("upc-local-endpoint:" + port) && t.isAlive())
                .findFirst().orElse(null);
    }

    /** The server thread's /proc entry: Linux shows a thread's name cut to 15 characters. */
    private static Path nativeServerThread() throws IOException {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return null;
        }
        try (Stream<Path> all = Files.list(tasks)) {
            List<Path> ours = all.filter(t -> {
                try {
                    return Files.readString(t.resolve("comm")).strip().equals("upc-local-endpo");
                } catch (IOException e) {
                    return false;
                }
            }).toList();
            return ours.size() == 1 ? ours.get(0) : null;
        }
    }
}
