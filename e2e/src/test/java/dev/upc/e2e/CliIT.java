package dev.upc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.cli.Env;
import dev.upc.cli.UpcCli;
import dev.upc.e2e.cluster.ClusterKeys;
import dev.upc.e2e.local.CliContexts;
import dev.upc.e2e.local.ClusterState;
import dev.upc.e2e.local.LocalClusterCommand;
import dev.upc.e2e.pc.Processes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The {@code upc} command line against a real local cluster started the way {@code ./upc up} starts it (a supervisor
 * in its own session, two simulated PCs with real agents, real podman and CRIU): the admin context {@code up} writes,
 * users who cannot see each other's jobs, submit/wait/logs/output with an input file, a migration read back as one
 * log, drain, images, revocation, the errors a script relies on, and {@code down} leaving nothing behind. Every
 * command runs in-process through {@code UpcCli.run}, exactly as the launcher runs it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "localhost/upc/counter:1";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Path dir;
    private Path config;
    private LocalClusterCommand cluster;
    private ClusterState state;
    private String aliceToken;
    private String bobToken;

    record Run(int code, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    void up() throws IOException {
        Path repo = Path.of(System.getProperty("upc.repo", "..")).toAbsolutePath().normalize();
        System.setProperty("upc.classpath", repo.resolve("e2e/target/classes") + ":"
                + Files.readString(repo.resolve("e2e/target/classpath.txt")).trim());
        dir = Files.createDirectories(repo.resolve("e2e/target/cli-it")).resolve("cluster");
        Processes.run(List.of("rm", "-rf", dir.toString()), Duration.ofMinutes(1), null);
        config = dir.getParent().resolve("config.json");
        Files.deleteIfExists(config);
        cluster = new LocalClusterCommand(dir, new CliContexts(config), System.out::println, System.err::println);
        assertThat(withPcs(2)).as("./upc up").isZero();
        state = ClusterState.read(dir).orElseThrow();
    }

    private int withPcs(int pcs) {
        return cluster.up(pcs);
    }

    @AfterAll
    void down() {
        if (cluster != null && ClusterState.read(dir).isPresent()) {
            cluster.down();
        }
    }

    /** {@code upc ARGS} as the admin of the context {@code up} saved. */
    private Run upc(String... args) {
        return run(Map.of("UPC_CONFIG", config.toString()), args);
    }

    /** {@code upc ARGS} as a user, with its token in the environment (the context stays the admin's). */
    private Run as(String token, String... args) {
        return run(Map.of("UPC_CONFIG", config.toString(), "UPC_TOKEN", token), args);
    }

    private static Run run(Map<String, String> variables, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>(variables);
        env.putIfAbsent("HOME", System.getProperty("java.io.tmpdir"));
        int code = UpcCli.run(args, Env.of(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void upReportsEveryPartAndSavesAnAdminContext() throws IOException {
        List<String> lines = new ArrayList<>();
        LocalClusterCommand quiet = new LocalClusterCommand(dir, new CliContexts(config), lines::add, lines::add);
        assertThat(quiet.status(true)).isZero();
        JsonNode status = JSON.readTree(String.join("\n", lines));
        assertThat(status.get("up").asBoolean()).isTrue();
        assertThat(status.get("healthy").asBoolean()).isTrue();
        assertThat(names(status.get("services"))).containsExactly("registry", "scheduler", "store");
        assertThat(names(status.get("pcs"))).containsExactly("pc1", "pc2");
        assertThat(status.get("pcs").get(0).get("agentUrl").asText()).startsWith("http://127.0.0.1:");
        assertThat(Path.of(status.get("adminTokenFile").asText())).exists();
        assertThat(Files.getPosixFilePermissions(Path.of(status.get("joinTokenFile").asText())))
                .hasSize(2); // rw- for the owner alone

        lines.clear();
        assertThat(quiet.up(2)).as("a second up is a no-op").isZero();
        assertThat(String.join("\n", lines)).contains("is up already");

        Run whoami = upc("whoami", "--json");
        assertThat(whoami.code()).as(whoami.toString()).isZero();
        assertThat(whoami.json().get("kind").asText()).isEqualTo("admin");
        assertThat(Files.getPosixFilePermissions(config)).hasSize(2);
    }

    @Test
    @Order(2)
    void anAdminAddsUsersWhoseTokenIsAloneOnStdout() {
        Run alice = upc("users", "add", "alice");
        assertThat(alice.code()).as(alice.toString()).isZero();
        aliceToken = alice.out().strip();
        assertThat(alice.out().lines()).hasSize(1);
        assertThat(aliceToken.split("\\.")).hasSize(3);
        bobToken = upc("users", "add", "bob", "--ttl", "1d").out().strip();
        assertThat(as(aliceToken, "whoami").out()).contains("alice");
        assertThat(upc("users", "add", "alice").code()).as("exists").isEqualTo(1);
        assertThat(as(aliceToken, "users", "add", "mallory").code()).as("not an admin").isEqualTo(3);
        Run users = upc("users", "list", "--json");
        assertThat(users.json().get("users").findValuesAsText("name")).contains("alice", "bob");
    }

    @Test
    @Order(3)
    void aJobWithAnInputRunsAndItsLogAndOutputComeBack() throws IOException {
        Path input = Files.writeString(dir.getParent().resolve("numbers.txt"), "1\n2\n3\n");
        Run submit = as(aliceToken, "jobs", "submit", "--image", IMAGE, "--name", "copy", "--memory", "64M",
                "--input", input + ":/job/numbers.txt", "--output", "/out", "--wait", "--",
                "sh", "-c", "cp /job/numbers.txt /out/copy.txt && wc -l /job/numbers.txt");
        assertThat(submit.code()).as(submit.toString()).isZero();
        String id = submit.out().strip();
        assertThat(id).matches("j[a-z2-7]{12}");
        assertThat(submit.err()).contains("SUCCEEDED");

        Run logs = as(aliceToken, "jobs", "logs", id);
        assertThat(logs.code()).as(logs.toString()).isZero();
        assertThat(logs.out()).isEqualTo("3 /job/numbers.txt\n");
        assertThat(logs.err()).contains("── epoch 1: started on pc1 ──");

        Path tar = dir.getParent().resolve("copy-output.tar");
        Run output = as(aliceToken, "jobs", "output", id, "-o", tar.toString());
        assertThat(output.code()).as(output.toString()).isZero();
        String copied = Processes.run(List.of("tar", "-xOf", tar.toString(), "out/copy.txt"), Duration.ofSeconds(30),
                null);
        assertThat(copied).isEqualTo("1\n2\n3\n");

        assertThat(as(bobToken, "jobs", "logs", id).code()).as("not bob's").isEqualTo(3);
        assertThat(as(bobToken, "jobs", "output", id, "-o", tar.toString()).code()).isEqualTo(3);
    }

    @Test
    @Order(4)
    void usersSeeAndTouchOnlyTheirOwnJobsAndAMigratedJobReadsAsOneLog() throws Exception {
        Run submit = as(aliceToken, "jobs", "submit", "--image", IMAGE, "--name", "long", "--memory", "64M", "--json",
                "--", "upc-counter", "--work", "40", "--mem", "16");
        assertThat(submit.code()).as(submit.toString()).isZero();
        String id = submit.json().get("id").asText();
        awaitState(aliceToken, id, "RUNNING", Duration.ofSeconds(60));

        Run aliceList = as(aliceToken, "jobs", "list");
        assertThat(aliceList.out()).contains(id).contains("RUNNING").contains("pc1");
        Run bobList = as(bobToken, "jobs", "list", "--json");
        assertThat(bobList.json().get("jobs")).isEmpty();
        assertThat(bobList.json().has("nextCursor")).isTrue();
        assertThat(as(bobToken, "jobs", "show", id).code()).isEqualTo(3);
        assertThat(as(bobToken, "jobs", "cancel", id).code()).isEqualTo(3);
        assertThat(as(bobToken, "jobs", "migrate", id, "--to", "pc2").code()).isEqualTo(3);
        assertThat(as(bobToken, "jobs", "list", "--all").code()).as("everyone's: admins only").isEqualTo(3);
        assertThat(upc("jobs", "list", "--all").out()).contains(id).contains("alice");

        awaitLogLine(aliceToken, id, "tick 3");
        Run migrate = as(aliceToken, "jobs", "migrate", id, "--to", "pc2");
        assertThat(migrate.code()).as(migrate.toString()).isZero();
        awaitState(aliceToken, id, "RUNNING", Duration.ofSeconds(60)); // on pc2 now
        awaitLogLine(aliceToken, id, "restored on pc2");
        Run shown = as(aliceToken, "jobs", "show", id, "--json");
        assertThat(shown.json().get("job").get("workerName").asText()).isEqualTo("pc2");
        assertThat(shown.json().get("events").findValuesAsText("type")).contains("MIGRATED");

        Run logs = as(aliceToken, "jobs", "logs", id);
        List<String> ticks = logs.out().lines().filter(line -> line.startsWith("tick ")).toList();
        for (int i = 0; i < ticks.size(); i++) {
            assertThat(ticks.get(i)).as("one run, every tick once, in order").startsWith("tick " + (i + 1) + " ");
        }
        assertThat(logs.out().lines().filter(line -> line.startsWith("upc-counter start"))).hasSize(1);
        assertThat(logs.err()).contains("── epoch 2: restored on pc2 from a checkpoint; continues after line");

        Run cancel = as(aliceToken, "jobs", "cancel", id);
        assertThat(cancel.code()).as(cancel.toString()).isZero();
        assertThat(as(aliceToken, "jobs", "show", id, "--json").json().get("job").get("state").asText())
                .isEqualTo("CANCELLED");
        assertThat(as(aliceToken, "jobs", "wait", id).code()).as("wait: 0 only for success").isEqualTo(1);
    }

    @Test
    @Order(5)
    void followingALogEndsWithTheJob() {
        Run submit = as(aliceToken, "jobs", "submit", "--image", IMAGE, "--memory", "64M", "--", "upc-counter",
                "--work", "3");
        String id = submit.out().strip();
        Run follow = as(aliceToken, "jobs", "logs", id, "--follow");
        assertThat(follow.code()).as(follow.toString()).isZero();
        assertThat(follow.out()).contains("tick 3 ").contains("upc-counter done");
        assertThat(as(aliceToken, "jobs", "wait", id).code()).isZero();
    }

    @Test
    @Order(6)
    void anAdminDrainsAndUndrainsAPcByName() {
        Run workers = upc("workers", "list", "--json");
        assertThat(workers.code()).as(workers.toString()).isZero();
        assertThat(workers.json().get("workers").findValuesAsText("hostname")).contains("pc1", "pc2");
        assertThat(upc("workers", "drain", "pc2").code()).isZero();
        assertThat(upc("workers", "list").out()).contains("DRAIN");
        assertThat(upc("workers", "undrain", "pc2").code()).isZero();
        assertThat(upc("workers", "drain", "pc9").code()).as("no such PC").isEqualTo(3);
        assertThat(as(aliceToken, "workers", "drain", "pc1").code()).as("users may not").isEqualTo(3);
    }

    @Test
    @Order(7)
    void aUserPushesAnImageIntoItsNameSpaceAndRunsIt() throws Exception {
        Path archive = dir.resolve("counter-image.tar");
        assertThat(archive).exists();
        Run push = as(aliceToken, "images", "push", "--from-archive", archive.toString(), "localhost/alice/counter:2");
        assertThat(push.code()).as(push.toString()).isZero();
        assertThat(as(aliceToken, "images", "push", "--from-archive", archive.toString(), "localhost/bob/counter:2")
                .code()).as("bob's name space").isEqualTo(3);
        Run images = as(bobToken, "images", "list", "--json");
        assertThat(images.json().get("images").findValuesAsText("reference"))
                .contains(IMAGE, "localhost/alice/counter:2");
        Run run = as(aliceToken, "jobs", "submit", "--image", "localhost/alice/counter:2", "--memory", "64M", "--wait",
                "--", "upc-counter", "--work", "1");
        assertThat(run.code()).as(run.toString()).isZero();
    }

    @Test
    @Order(8)
    void badInputGetsAClearErrorAndTheRightExitCode() throws IOException {
        Run unknownFlag = as(aliceToken, "jobs", "list", "--colour");
        assertThat(unknownFlag.code()).isEqualTo(2);
        assertThat(as(aliceToken, "jobs", "submit", "--", "true").code()).as("no --image").isEqualTo(2);

        long started = System.nanoTime();
        Run unreachable = run(Map.of("UPC_CONFIG", config.toString(), "UPC_SERVER", "http://127.0.0.1:9",
                "UPC_TOKEN", aliceToken), "jobs", "list");
        assertThat(unreachable.code()).isEqualTo(1);
        assertThat(unreachable.err()).contains("http://127.0.0.1:9").hasLineCount(1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));

        Run missing = as(aliceToken, "jobs", "submit", "--image", "localhost/alice/never-pushed:1", "--", "true");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("localhost/alice/never-pushed:1").contains("not in the store");

        ClusterKeys keys = ClusterKeys.read(dir.resolve("cluster"));
        long past = Instant.now().minusSeconds(3600).getEpochSecond();
        String expired = keys.sign("alice", Duration.ofHours(1), Map.of("groups", List.of("admin"), "iat", past - 60,
                "exp", past));
        Run old = as(expired, "jobs", "list");
        assertThat(old.code()).isEqualTo(3);
        assertThat(old.err()).containsIgnoringCase("expired");
        String foreign = ClusterKeys.generate(Files.createTempDirectory("foreign-keys-")).adminToken("eve",
                Duration.ofHours(1));
        Run eve = as(foreign, "jobs", "list");
        assertThat(eve.code()).isEqualTo(3);
        assertThat(eve.err()).contains("upc:");

        assertThat(upc("users", "revoke", "bob").code()).isZero();
        Run revoked = as(bobToken, "jobs", "list");
        assertThat(revoked.code()).isEqualTo(3);
        assertThat(revoked.err()).contains("revoked");
    }

    @Test
    @Order(9)
    void theJsonShapesAreTheProtocolRecords() {
        JsonNode list = as(aliceToken, "jobs", "list", "--json").json();
        assertThat(fields(list)).containsExactly("jobs", "nextCursor");
        assertThat(fields(list.get("jobs").get(0))).contains("id", "state", "epoch", "workerId", "submission",
                "submittedAt", "owner", "waitingReason", "hasOutput", "workerName", "cpuSeconds", "exitCode");
        Run completion = upc("completion", "bash");
        assertThat(completion.code()).isZero();
        assertThat(completion.out()).contains("complete");
    }

    /**
     * The identity-takeover test: the join token enrols a machine once; a second registration of that machine with
     * the join token alone gets no token; an admin's revocation reaches the scheduler and the store (which refuse the
     * worker's tokens and capabilities) within a minute. The enrolled "PC" lends no cores: nothing is placed on it.
     */
    @Test
    @Order(10)
    void aMachineIsEnrolledOnceAndItsRevocationReachesSchedulerAndStoreWithinAMinute() throws Exception {
        String join = Files.readString(Path.of(state.joinTokenFile())).strip();
        String admin = Files.readString(Path.of(state.adminTokenFile())).strip();
        Map<String, Object> registration = new HashMap<>(Map.of("machineId", "cli-it-intruder-" + System.nanoTime(),
                "hostname", "intruder", "agentVersion", "0.1.0", "cores", 1, "memoryMiB", 1024, "jobCpus", 0,
                "benchmarkScore", 1.0));
        HttpResponse<String> enrolled = http("POST", service("registry") + "/api/v1/workers", join,
                JSON.writeValueAsString(registration));
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(200);
        JsonNode worker = JSON.readTree(enrolled.body());
        String workerId = worker.path("workerId").asText();
        String workerToken = worker.path("workerToken").asText();
        assertThat(worker.path("credential").asText()).startsWith("upcw_");

        HttpResponse<String> takeover = http("POST", service("registry") + "/api/v1/workers", join,
                JSON.writeValueAsString(registration));
        assertThat(takeover.statusCode()).as("the join token alone cannot become an enrolled machine")
                .isEqualTo(409);
        assertThat(takeover.body()).contains("machine_enrolled").doesNotContain(workerToken);

        String commands = service("scheduler") + "/api/v1/agents/" + workerId + "/commands?waitSeconds=0";
        assertThat(http("GET", commands, workerToken, null).statusCode()).isEqualTo(200);
        Run revoke = upc("workers", "revoke", workerId);
        assertThat(revoke.code()).as(revoke.toString()).isZero();
        long revokedAt = System.nanoTime();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        boolean scheduler = false;
        boolean store = false;
        while (!(scheduler && store) && Instant.now().isBefore(deadline)) {
            scheduler = scheduler || http("GET", commands, workerToken, null).statusCode() == 401;
            store = store || http("GET", service("store") + "/api/v1/revoked-workers", admin, null).body()
                    .contains("\"" + workerId + "\"");
            Thread.sleep(500);
        }
        System.out.printf("revocation reached scheduler and store in %.1f s%n", (System.nanoTime() - revokedAt) / 1e9);
        assertThat(scheduler).as("the scheduler refuses the revoked worker's token").isTrue();
        assertThat(store).as("the store knows the worker is revoked").isTrue();
        assertThat(http("GET", commands, workerToken, null).body()).contains("worker_revoked");
    }

    private String service(String name) {
        return state.services().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().url()
                .replaceAll("/$", "");
    }

    private static HttpResponse<String> http(String method, String url, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(11)
    void downStopsExactlyWhatUpStarted() {
        List<ClusterState.Proc> started = new ArrayList<>();
        started.add(state.supervisor());
        state.services().forEach(s -> started.add(s.process()));
        state.pcs().forEach(pc -> {
            started.add(pc.podman());
            started.add(pc.agent());
        });
        assertThat(started).allMatch(ClusterState.Proc::alive);

        assertThat(cluster.down()).isZero();

        assertThat(started).noneMatch(ClusterState.Proc::alive);
        assertThat(ClusterState.read(dir)).isEmpty();
        state.pcs().forEach(pc -> assertThat(Path.of(pc.home())).doesNotExist());
        assertThat(Path.of(state.postgresDir())).doesNotExist();
        Run gone = upc("jobs", "list");
        assertThat(gone.code()).as("no context left: " + gone).isNotZero();
    }

    private void awaitState(String token, String id, String wanted, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = as(token, "jobs", "show", id, "--json").json().get("job").get("state").asText();
            if (last.equals(wanted)) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("job " + id + " is " + last + ", not " + wanted + ", after " + limit);
    }

    private void awaitLogLine(String token, String id, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Run logs = null;
        while (System.nanoTime() < deadline) {
            logs = as(token, "jobs", "logs", id);
            if (logs.out().contains(text) || logs.err().contains(text)) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the log of " + id + " never showed '" + text + "': " + logs);
    }

    private static List<String> names(JsonNode array) {
        return array.findValuesAsText("name");
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
