package dev.upc.e2e.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.cli.Env;
import dev.upc.cli.UpcCli;
import dev.upc.cli.client.Endpoint;
import dev.upc.cli.client.TokenSource;
import dev.upc.cli.client.UpcClient;
import dev.upc.e2e.agent.AgentProcess;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterOutput;
import dev.upc.e2e.local.LocalCluster;
import dev.upc.e2e.pc.Processes;
import dev.upc.e2e.pc.SimulatedPc;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code ./upc k8s play}: the {@code local} overlay brought up with {@code podman kube play} exactly as a lab's single
 * server runs it, then used as a lab would: two simulated PCs with real agents join it, a job submitted with the
 * {@code upc} command line migrates from one PC to the other and succeeds, the planning scheduler's pod is deleted and
 * a second job still finishes under the other replica, the database and the store are backed up, and everything is
 * torn down again, leaving no pod, container, volume or secret. The last line is one JSON object for scripts.
 */
public final class KubePlay {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, URI> SERVICES = servicesOfLocalOverlay();
    private static final Duration HEALTHY_WITHIN = Duration.ofMinutes(3);
    private static final String PLANS = "took the planner lock: this instance plans";
    /** Where the local overlay mounts the signing keys from (a host directory: podman 4.3 cannot mount Secrets). */
    private static final String KEYS_HOST_PATH = "/etc/upc/keys";
    /** The local PostgreSQL's socket (peer authentication of its own user, for pg_dump inside the container). */
    private static final String PG_SOCKET = "--host=/var/run/postgresql";
    private static final String PG_PORT = "--port=15432";

    private final Path repo;
    private final Path work;
    private final Consumer<String> say;
    private final PodmanKube podman;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String adminToken;

    private KubePlay(Path repo, Path work, Consumer<String> say) {
        this.repo = repo;
        this.work = work;
        this.say = say;
        this.podman = new PodmanKube(work);
    }

    /** The ports of the local overlay (k8s/overlays/local: hostNetwork, one port per service). */
    private static Map<String, URI> servicesOfLocalOverlay() {
        Map<String, URI> services = new LinkedHashMap<>();
        services.put("registry", URI.create("http://127.0.0.1:18081"));
        services.put("scheduler", URI.create("http://127.0.0.1:18082"));
        services.put("store", URI.create("http://127.0.0.1:18083"));
        return services;
    }

    /** Entry of {@code ./upc k8s play} and {@code ./upc k8s down}. */
    public static int main(String command, Path repo, Path work) {
        Consumer<String> say = line -> System.err.println("k8s: " + line);
        KubePlay play = new KubePlay(repo, work.resolve("k8s-play"), say);
        try {
            if (command.equals("down")) {
                play.down();
                return 0;
            }
            Map<String, Object> result = play.play();
            System.out.println(JSON.writeValueAsString(result));
            return Boolean.TRUE.equals(result.get("jobSucceeded")) && Boolean.TRUE.equals(result.get("failover"))
                    ? 0 : 1;
        } catch (Exception e) {
            System.err.println("k8s: " + command + " failed: " + e.getMessage());
            System.err.println("k8s: logs: podman logs upc-<service>-pod-0-<service>; agents' logs under "
                    + play.work);
            return 1;
        }
    }

    private Map<String, Object> play() throws Exception {
        long t0 = System.nanoTime();
        List<String> leftovers = podman.pods();
        if (!leftovers.isEmpty()) {
            throw new IllegalStateException("UPC pods already run on this machine (" + String.join(", ", leftovers)
                    + "): stop them first (./upc k8s down for a play's, podman kube down for a deployment's)");
        }
        Files.createDirectories(work);
        boolean tornDown = false;
        try {
            deploy();
            double healthy = awaitHealthy(t0);
            List<SimulatedPc> pcs = joinPcs();
            boolean succeeded = migratedJob(pcs);
            boolean failover = failover();
            Map<String, Long> backup = backup();
            tornDown = teardown();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("k8s", "play");
            result.put("healthy", true);
            result.put("services", List.copyOf(SERVICES.keySet()));
            result.put("jobSucceeded", succeeded);
            result.put("failover", failover);
            result.put("secondsToHealthy", round(healthy));
            result.put("seconds", round((System.nanoTime() - t0) / 1e9));
            result.put("backupBytes", backup);
            result.put("leftovers", false);
            return result;
        } finally {
            if (!tornDown) {
                closeStarted();
                down();
            }
        }
    }

    /** Secrets, the rendered overlay and {@code podman kube play}. */
    private void deploy() throws IOException {
        Path secretsDir = work.resolve("secrets");
        deleteTree(secretsDir);
        DeploymentSecrets secrets = DeploymentSecrets.open(secretsDir);
        adminToken = secrets.keys().adminToken("k8s-play", Duration.ofHours(2));
        Path keys = work.resolve("keys");
        deleteTree(keys);
        Files.createDirectories(keys);
        // each service's directory: the key set and, for the registry and the scheduler, its own private key alone;
        // the services run as uid 10001 and read them, nobody else may
        secrets.writeHostKeys(keys, true);

        String rendered = Kustomize.render(Kustomize.overlay(repo, "local"));
        if (!rendered.contains("path: " + KEYS_HOST_PATH)) {
            throw new IllegalStateException("the local overlay no longer mounts the keys from " + KEYS_HOST_PATH);
        }
        Path manifest = work.resolve("upc-local.yaml");
        Files.writeString(manifest, rendered.replace("path: " + KEYS_HOST_PATH, "path: " + keys.toAbsolutePath()));
        if (podman.secrets().contains(DeploymentSecrets.VALUES_SECRET)) {
            podman.removeSecret(DeploymentSecrets.VALUES_SECRET); // a play's that was torn down half-way
        }
        podman.createSecret(DeploymentSecrets.VALUES_SECRET, secrets.podmanSecretJson());
        say.accept("podman kube play " + manifest);
        podman.play(manifest);
        Files.writeString(work.resolve("join-token"), secrets.joinToken());
    }

    /** Every service ready on its port, and every liveness probe (a podman healthcheck) passing. */
    private double awaitHealthy(long t0) throws InterruptedException {
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        Map<String, String> last = new LinkedHashMap<>();
        while (true) {
            last.clear();
            SERVICES.forEach((name, url) -> last.put(name, ready(url)));
            if (last.values().stream().allMatch("UP"::equals)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not healthy within " + HEALTHY_WITHIN.toSeconds() + " s: " + last);
            }
            Thread.sleep(250);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        say.accept(String.format(Locale.ROOT, "all services ready %.1f s after kube play", seconds));
        List<String> probed = new ArrayList<>();
        for (String container : podman.containers()) {
            if (podman.hasHealthcheck(container)) {
                if (!podman.healthy(container)) {
                    throw new IllegalStateException("the liveness probe of " + container + " fails (podman healthcheck"
                            + " run " + container + ")");
                }
                probed.add(container);
            }
        }
        if (probed.size() < 5) {
            throw new IllegalStateException("expected a liveness healthcheck on every container, found " + probed);
        }
        say.accept("liveness probes pass: " + String.join(", ", probed));
        return seconds;
    }

    private String ready(URI service) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(service.resolve("/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body()).path("status").asText("HTTP " + response.statusCode());
        } catch (IOException e) {
            return "unreachable";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Two PCs of different speed, each with its podman service and a real agent, joined with the join token and
     * approved by the admin.
     */
    private List<SimulatedPc> joinPcs() throws IOException {
        AgentProcess.ControlPlane services = new AgentProcess.ControlPlane(work,
                Files.readString(work.resolve("join-token")).strip(), SERVICES.get("registry"),
                SERVICES.get("scheduler"), SERVICES.get("store"), null);
        List<SimulatedPc> pcs = new ArrayList<>();
        List<AgentProcess> agents = new ArrayList<>();
        int[] speeds = {80, 40};
        for (int i = 0; i < speeds.length; i++) {
            SimulatedPc pc = SimulatedPc.start("kpc" + (i + 1));
            started.add(pc);
            pcs.add(pc);
            LocalCluster.seedBenchmark(work.resolve("agent-" + pc.name()).resolve("state"));
            AgentProcess agent = AgentProcess.start(services, pc, speeds[i], Map.of());
            started.add(agent);
            agents.add(agent);
        }
        for (AgentProcess agent : agents) {
            String id = agent.awaitRegistered(Duration.ofSeconds(90)).workerId();
            // The manifests ask for approval: a PC with the join token waits, drained, until the admin lets it in.
            String listed = cli("workers", "list").out().lines().filter(line -> line.contains(id)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("upc workers list does not show " + id));
            if (!listed.contains("PENDING")) {
                throw new IllegalStateException("a PC enrolled with the join token alone is not pending: " + listed);
            }
            cli("workers", "approve", id);
            say.accept("PC registered as " + id + ", pending until approved with 'upc workers approve " + id + "'");
        }
        Path image = CounterImage.build(work).archive(pcs.get(0).client());
        try (UpcClient admin = admin()) {
            admin.pushImage(CounterImage.REFERENCE, image);
        }
        say.accept("sample job image " + CounterImage.REFERENCE + " pushed to the deployed store");
        return pcs;
    }

    /** A job submitted, moved from kpc1 to kpc2 and read back with the command line; true if it ran as one run. */
    private boolean migratedJob(List<SimulatedPc> pcs) throws InterruptedException {
        String id = cli("jobs", "submit", "--image", CounterImage.REFERENCE, "--name", "k8s-migrated", "--memory",
                "64M", "--json", "--", "upc-counter", "--work", "12", "--mem", "16").json().get("id").asText();
        say.accept("job " + id + " submitted through the deployed scheduler");
        awaitJob(id, job -> "RUNNING".equals(job.path("state").asText()) && job.has("workerName"));
        awaitTicks(id, 3);
        String from = job(id).path("workerName").asText();
        String to = from.equals(pcs.get(0).name()) ? pcs.get(1).name() : pcs.get(0).name();
        cli("jobs", "migrate", id, "--to", to);
        say.accept("job " + id + " migrating " + from + " -> " + to);
        Cli waited = cliAllowingFailure("jobs", "wait", id);
        JsonNode shown = cli("jobs", "show", id, "--json").json();
        boolean migrated = shown.get("events").findValuesAsText("type").contains("MIGRATED");
        CounterOutput output;
        try (UpcClient admin = admin()) {
            output = CounterOutput.ofJob(admin, id);
        }
        boolean oneRun = output.starts() == 1 && output.memoryFailures() == 0 && consecutive(output.ticks());
        say.accept("job " + id + ": " + shown.path("job").path("state").asText() + ", migrated " + migrated + ", "
                + output.ticks().size() + " ticks in one run " + oneRun);
        return waited.code() == 0 && migrated && oneRun;
    }

    /**
     * Deletes the pod of the scheduler that plans while a job runs (fault 8 of issue 20: the active scheduler killed);
     * true if the other replica takes over the planning, the running job goes on to its end as one run, and a second
     * job submitted after the deletion finishes too.
     */
    private boolean failover() throws InterruptedException {
        List<String> schedulers = podman.containers().stream().filter(name -> name.startsWith("upc-scheduler-pod-"))
                .toList();
        String leader = schedulers.stream().filter(this::plans).findFirst()
                .orElseThrow(() -> new IllegalStateException("no scheduler says it plans: " + schedulers));
        String across = cli("jobs", "submit", "--image", CounterImage.REFERENCE, "--name", "k8s-across-failover",
                "--memory", "64M", "--json", "--", "upc-counter", "--ticks", "40", "--interval-ms", "500")
                .json().get("id").asText();
        awaitJob(across, job -> "RUNNING".equals(job.path("state").asText()));
        awaitTicks(across, 3);
        String pod = leader.substring(0, leader.lastIndexOf('-'));
        podman.removePod(pod);
        long t0 = System.nanoTime();
        say.accept("deleted the planning scheduler's pod " + pod + " while job " + across + " runs");
        Cli second = cliAllowingFailure("jobs", "submit", "--image", CounterImage.REFERENCE, "--name", "k8s-failover",
                "--memory", "64M", "--wait", "--", "upc-counter", "--work", "3");
        String survivor = schedulers.stream().filter(name -> !name.equals(leader)).findFirst().orElseThrow();
        boolean tookOver = plans(survivor);
        say.accept(String.format(Locale.ROOT, "second job %s %.1f s after the deletion; %s plans: %b",
                second.code() == 0 ? "succeeded" : "failed (" + second.err().strip() + ")",
                (System.nanoTime() - t0) / 1e9, survivor, tookOver));
        Cli waited = cliAllowingFailure("jobs", "wait", across);
        CounterOutput output;
        try (UpcClient admin = admin()) {
            output = CounterOutput.ofJob(admin, across);
        }
        boolean oneRun = waited.code() == 0 && output.starts() == 1 && output.ticks().size() == 40
                && consecutive(output.ticks());
        say.accept("job " + across + " that ran across the failover: " + (waited.code() == 0 ? "succeeded" : "failed")
                + ", " + output.ticks().size() + " ticks in one run " + oneRun);
        return second.code() == 0 && tookOver && oneRun;
    }

    private boolean plans(String container) {
        return podman.logs(container).contains(PLANS);
    }

    /**
     * The single server's backups, as README.md gives them: a dump of each database and an export of the store's
     * volume; then the scheduler's dump restored into a scratch database must hold the same jobs.
     */
    private Map<String, Long> backup() throws IOException {
        Path dir = Files.createDirectories(work.resolve("backup"));
        String postgres = podman.containers().stream().filter(name -> name.startsWith("upc-postgres-pod-"))
                .findFirst().orElseThrow(() -> new IllegalStateException("no PostgreSQL container"));
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String database : List.of("upc_registry", "upc_scheduler")) {
            Path dump = dir.resolve(database + ".dump");
            podman.exec(postgres, dump, "pg_dump", "--format=custom", PG_SOCKET, PG_PORT, database);
            sizes.put(database, Files.size(dump));
        }
        Path store = dir.resolve("store.tar");
        podman.exportVolume("upc-store", store);
        sizes.put("store", Files.size(store));
        say.accept("backed up: " + sizes + " bytes in " + dir);
        if (sizes.values().stream().anyMatch(size -> size < 1024)) {
            throw new IllegalStateException("a backup is nearly empty: " + sizes);
        }
        String scratch = "upc_restore_check";
        podman.exec(postgres, "createdb", PG_SOCKET, PG_PORT, scratch);
        try {
            podman.execWithInput(postgres, dir.resolve("upc_scheduler.dump"), "pg_restore", "--no-owner",
                    PG_SOCKET, PG_PORT, "--dbname=" + scratch);
            String live = jobCount(postgres, "upc_scheduler");
            String restored = jobCount(postgres, scratch);
            if (!live.equals(restored)) {
                throw new IllegalStateException("the restored dump holds " + restored + " jobs, the database " + live);
            }
            say.accept("restored the scheduler's dump into a scratch database: " + restored + " jobs, as in the live one");
        } finally {
            podman.exec(postgres, "dropdb", PG_SOCKET, PG_PORT, scratch);
        }
        return sizes;
    }

    private String jobCount(String postgres, String database) {
        return podman.exec(postgres, "psql", "--no-psqlrc", "--tuples-only", "--no-align", PG_SOCKET, PG_PORT,
                "--dbname=" + database, "--command=SELECT count(*) FROM jobs").strip();
    }

    /** Stops the PCs and the deployment; true once nothing of it is left. */
    private boolean teardown() {
        closeStarted();
        down();
        List<String> left = new ArrayList<>();
        left.addAll(podman.pods());
        left.addAll(podman.containers());
        left.addAll(podman.volumes());
        left.addAll(podman.secrets());
        if (!left.isEmpty()) {
            throw new IllegalStateException("left behind after teardown: " + left);
        }
        say.accept("torn down: no pod, container, volume or secret of UPC left");
        return true;
    }

    /**
     * Removes what a play left: its pods, volumes and secret. Safe to repeat. Pod by pod rather than {@code kube down}
     * of the manifest, which gives up at the first pod that is gone already (the failover deletes one).
     */
    private void down() {
        podman.pods().forEach(podman::removePod);
        podman.removeVolumes(podman.volumes().stream()
                .filter(name -> name.equals("upc-store") || name.equals("upc-postgres")).toList());
        if (podman.secrets().contains(DeploymentSecrets.VALUES_SECRET)) {
            podman.removeSecret(DeploymentSecrets.VALUES_SECRET);
        }
    }

    private void closeStarted() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                say.accept("while stopping: " + e.getMessage());
            }
        }
        started.clear();
    }

    private UpcClient admin() {
        return new UpcClient(new Endpoint(SERVICES.get("scheduler"), TokenSource.of(adminToken),
                Endpoint.DEFAULT_CONNECT_TIMEOUT));
    }

    private JsonNode job(String id) {
        return cli("jobs", "show", id, "--json").json().path("job");
    }

    private void awaitJob(String id, java.util.function.Predicate<JsonNode> until) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode job = job(id);
        while (!until.test(job)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + id + " stayed " + job.path("state").asText());
            }
            Thread.sleep(250);
            job = job(id);
        }
    }

    private void awaitTicks(String id, int ticks) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!cli("jobs", "logs", id).out().contains("tick " + ticks + " ")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + id + " printed no tick " + ticks + " within 60 s");
            }
            Thread.sleep(250);
        }
    }

    private static boolean consecutive(List<Long> ticks) {
        for (int i = 0; i < ticks.size(); i++) {
            if (ticks.get(i) != i + 1) {
                return false;
            }
        }
        return !ticks.isEmpty();
    }

    record Cli(int code, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new IllegalStateException("upc printed no JSON: " + out + err, e);
            }
        }
    }

    /** {@code upc ARGS} in-process, as the admin, against the deployed scheduler; a failure throws. */
    private Cli cli(String... args) {
        Cli run = cliAllowingFailure(args);
        if (run.code() != 0) {
            throw new IllegalStateException("upc " + String.join(" ", args) + " exited " + run.code() + ": "
                    + run.err().strip());
        }
        return run;
    }

    private Cli cliAllowingFailure(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("UPC_SERVER", SERVICES.get("scheduler").toString(), "UPC_TOKEN", adminToken,
                "UPC_CONFIG", work.resolve("cli-config.json").toString(), "HOME", work.toString());
        int code = UpcCli.run(args, Env.of(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
