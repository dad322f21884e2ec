package dev.upc.agent.job;

import dev.upc.agent.driver.JobCgroups;
import dev.upc.agent.driver.LibpodDriver;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.upc.agent.control.StoreClient;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.LibpodTimeouts;
import dev.upc.agent.libpod.uds.ScriptedLibpodServer;
import dev.upc.agent.libpod.uds.UdsLibpodTransport;
import dev.upc.agent.state.AgentState;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventType;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.JobInput;
import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobSubmission;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RUN with input files: after create and before start, each input comes from the store (with a read capability the
 * scheduler grants), is checked, and goes into the container as a tar. A scripted libpod and a small HTTP store stand
 * in for the real ones; the tar the libpod receives is read back with GNU tar.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobRunnerInputsTest {

    private static final String IMAGE = "localhost/upc/count:1";
    private static final byte[] DATA = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private ScriptedLibpodServer libpod;
    private HttpServer store;
    private AgentState state;
    private LogShipper logs;
    private ExitWatch exits;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<String> tokens = new CopyOnWriteArrayList<>();
    private final Set<String> existingPaths = Set.of("/data");
    private volatile byte[] storedBlob = DATA;
    private volatile String storedSha = sha256(DATA);
    private volatile Path receivedTar;

    @BeforeEach
    void start() throws Exception {
        libpod = ScriptedLibpodServer.start(dir, this::answerLibpod);
        store = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        store.createContext("/api/v1/blobs/inputs/", exchange -> {
            calls.add("store GET " + exchange.getRequestURI().getPath());
            exchange.getResponseHeaders().add("ETag", "\"" + storedSha + "\"");
            exchange.sendResponseHeaders(200, storedBlob.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(storedBlob);
            }
        });
        store.start();
        state = AgentState.open(dir.resolve("state"));
    }

    @AfterEach
    void stop() throws Exception {
        if (logs != null) {
            logs.close();
        }
        if (exits != null) {
            exits.close();
        }
        store.stop(0);
        state.close();
        libpod.close();
    }

    @Test
    void inputsGoIntoTheCreatedContainerBeforeItStarts() throws Exception {
        JobRunner runner = runner();

        List<AgentEvent> events = runner.execute(run(new JobInput("/data/in/table.csv", sha256(DATA),
                (long) DATA.length, 0600, "alice-" + sha256(DATA))));

        assertThat(events).extracting(AgentEvent::type).containsExactly(AgentEventType.STARTED);
        assertThat(tokens).containsExactly("inputs/alice-" + sha256(DATA) + " read");
        assertThat(calls).containsSubsequence("POST /containers/create", "HEAD /data/in", "HEAD /data",
                "store GET /api/v1/blobs/inputs/alice-" + sha256(DATA), "PUT /containers/upc-job-1-1/archive?path=/",
                "POST /containers/upc-job-1-1/start");
        assertThat(calls).doesNotContain("HEAD /"); // /data exists: nothing above it is asked for
        List<String> listing = tar("--numeric-owner", "-tvf", receivedTar.toString());
        assertThat(listing).hasSize(2);
        assertThat(listing.get(0)).startsWith("drwxr-xr-x 0/0").endsWith(" data/in/"); // the missing parent only
        assertThat(listing.get(1)).startsWith("-rw------- 0/0").endsWith(" data/in/table.csv");
        Path out = Files.createDirectory(dir.resolve("out"));
        tar("-xf", receivedTar.toString(), "-C", out.toString());
        assertThat(Files.readAllBytes(out.resolve("data/in/table.csv"))).isEqualTo(DATA);
    }

    @Test
    void anInputWhoseBytesDoNotMatchItsDigestFailsTheRunNamingItAndRemovesTheContainer() throws Exception {
        storedBlob = "a,b\n1,3\n".getBytes(StandardCharsets.UTF_8); // damaged on the way; the ETag still claims DATA
        JobRunner runner = runner();

        List<AgentEvent> events = runner.execute(run(new JobInput("/data/in/table.csv", sha256(DATA),
                (long) DATA.length, null, "alice-" + sha256(DATA))));

        assertThat(events).extracting(AgentEvent::type).containsExactly(AgentEventType.FAILED);
        assertThat(events.get(0).reason()).contains("input /data/in/table.csv").contains("damaged");
        assertThat(calls).contains("DELETE /containers/upc-job-1-1").doesNotContain("POST /containers/upc-job-1-1/start");
        assertThat(state.containers()).isEmpty();
    }

    @Test
    void anInputTheStoreHoldsWithAnotherDigestIsRefusedBeforeAnyCopy() throws Exception {
        storedSha = sha256("other".getBytes(StandardCharsets.UTF_8));
        JobRunner runner = runner();

        List<AgentEvent> events = runner.execute(run(new JobInput("/data/x.bin", sha256(DATA), (long) DATA.length, null,
                "alice-" + sha256(DATA))));

        assertThat(events.get(0).type()).isEqualTo(AgentEventType.FAILED);
        assertThat(events.get(0).reason()).contains("input /data/x.bin").contains("the job names " + sha256(DATA));
        assertThat(calls).noneMatch(c -> c.startsWith("PUT ")).contains("DELETE /containers/upc-job-1-1");
    }

    // ---- the stand-ins ---------------------------------------------------------------------------------------------

    private JobRunner runner() {
        LibpodClient client = new LibpodClient(new UdsLibpodTransport(libpod.socket()),
                new LibpodTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5)));
        StoreClient storeClient = new StoreClient(URI.create("http://127.0.0.1:" + store.getAddress().getPort()));
        exits = new ExitWatch(client);
        logs = new LogShipper(client, chunk -> new JobLogAck(chunk.firstLine() + chunk.lines().size(), true, null),
                LogShipper.Settings.defaults());
        return new JobRunner(new LibpodDriver(client, JobCgroups.none()), client, storeClient, (kind, id, op) -> {
            tokens.add(kind.pathSegment() + "/" + id + " " + op);
            return "token-for-" + id;
        }, state, JobRunner.Limits.fixed(2, 1.0, 1024), exits, logs, false);
    }

    private static AgentCommand run(JobInput input) {
        JobSubmission job = new JobSubmission("count", IMAGE, List.of("/bin/count"), Map.of(), 1, 64L, null, null,
                null, null, null, List.of(input));
        return new AgentCommand("cmd-1", AgentCommandType.RUN, "job-1", 1, null, job, null, null, null, null,
                false, Instant.now());
    }

    private void answerLibpod(ScriptedLibpodServer.Request request, java.io.InputStream body,
                              ScriptedLibpodServer.Response response) throws Exception {
        String path = request.path().replace("/v4.0.0/libpod", "");
        String target = java.net.URLDecoder.decode(request.target().replace("/v4.0.0/libpod", ""),
                StandardCharsets.UTF_8);
        if (request.method().equals("HEAD")) {
            String asked = target.substring(target.indexOf("path=") + 5);
            calls.add("HEAD " + asked);
            response.head(existingPaths.contains(asked) ? 200 : 404, "Content-Length: 0");
            return;
        }
        if (path.endsWith("/wait") || path.endsWith("/logs")) {
            response.stall(); // the job runs on
            return;
        }
        calls.add(request.method() + " " + (request.method().equals("PUT") ? target : path));
        if (path.startsWith("/images/")) {
            response.head(204);
        } else if (path.endsWith("/exists")) {
            response.json(404, "{\"message\":\"no such container\",\"response\":404}");
        } else if (path.equals("/containers/create")) {
            response.json(201, "{\"Id\":\"c0ffee\",\"Warnings\":[]}");
        } else if (request.method().equals("PUT")) {
            Path tar = Files.createTempFile(dir, "received", ".tar");
            Files.copy(body, tar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            receivedTar = tar;
            response.head(200, "Content-Length: 0");
        } else if (path.endsWith("/start")) {
            response.head(204);
        } else if (request.method().equals("DELETE")) {
            response.json(200, "[{\"Id\":\"c0ffee\"}]");
        } else {
            response.json(404, "{\"message\":\"unexpected " + path + "\",\"response\":404}");
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> tar(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tar"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", command, lines).isZero();
        return lines;
    }
}
