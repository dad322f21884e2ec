package dev.upc.e2e.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code ./upc up [--pcs N]}, {@code ./upc down} and {@code ./upc status [--json]}: a local cluster that stays up
 * after the command returns. {@code up} starts a {@link Supervisor} in a session of its own and follows its progress
 * until the cluster is ready; a second {@code up} finds it running and says so; {@code down} asks the supervisor to
 * stop everything and cleans up after one that died; {@code status} probes every part.
 */
public final class LocalClusterCommand {

    public static final String USAGE = """
            usage: ./upc up [--pcs N] [--dir DIR]     start a local cluster (N simulated PCs, 1-6, default 3)
                   ./upc down [--dir DIR]             stop it and remove what it started
                   ./upc status [--json] [--dir DIR]  each part's health (exit 1 unless all are up)""";
    private static final Path DEFAULT_DIR = Path.of(".upc", "local");
    private static final Duration READY_LIMIT = Duration.ofMinutes(10);
    private static final Duration STOP_LIMIT = Duration.ofMinutes(3);
    private static final Duration PROBE = Duration.ofSeconds(2);

    /** How the cluster's admin context reaches the {@code upc} command line (its config file). */
    public interface Contexts {
        /** Saves (and selects) the local cluster's context; returns where, for the user. */
        String save(URI scheduler, Path adminTokenFile);

        /** Forgets it again. */
        void remove();
    }

    private final Path dir;
    private final Contexts contexts;
    private final Consumer<String> out;
    private final Consumer<String> err;

    public LocalClusterCommand(Path dir, Contexts contexts, Consumer<String> out, Consumer<String> err) {
        this.dir = dir.toAbsolutePath();
        this.contexts = contexts;
        this.out = out;
        this.err = err;
    }

    /** Entry of {@code UpcMain up|down|status|local-cluster}. */
    public static int main(String command, List<String> args, Contexts contexts) {
        Path dir = DEFAULT_DIR;
        int pcs = 3;
        boolean json = false;
        try {
            for (int i = 0; i < args.size(); i++) {
                switch (args.get(i)) {
                    case "--dir" -> dir = Path.of(args.get(++i));
                    case "--pcs" -> pcs = Integer.parseInt(args.get(++i));
                    case "--json" -> json = true;
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + args.get(i) + "'");
                }
            }
            if (pcs < 1 || pcs > 6) {
                throw new IllegalArgumentException("--pcs wants 1 to 6 (they share this machine's cores)");
            }
        } catch (RuntimeException e) {
            System.err.println("upc: " + (e instanceof IndexOutOfBoundsException ? "an option lacks its value"
                    : e instanceof NumberFormatException ? "--pcs wants a number" : e.getMessage()));
            System.err.println(USAGE);
            return 2;
        }
        LocalClusterCommand cmd = new LocalClusterCommand(dir, contexts, System.out::println, System.err::println);
        return switch (command) {
            case "up" -> cmd.up(pcs);
            case "down" -> cmd.down();
            case "status" -> cmd.status(json);
            case "local-cluster" -> Supervisor.run(cmd.dir, pcs);
            default -> 2;
        };
    }

    public int up(int pcs) {
        Optional<ClusterState> found = ClusterState.read(dir);
        if (found.isPresent()) {
            ClusterState state = found.get();
            if (state.supervisor() != null && state.supervisor().alive()) {
                if (state.phase() == ClusterState.Phase.READY) {
                    out.accept("upc: the local cluster is up already (" + state.pcs().size() + " PCs); ./upc down "
                            + "stops it");
                    return status(false);
                }
                if (state.phase() == ClusterState.Phase.STOPPING) {
                    err.accept("upc: the local cluster is stopping; waiting for that first");
                    awaitExit(state.supervisor());
                } else {
                    err.accept("upc: the local cluster is starting (pid " + state.supervisor().pid()
                            + "); following it");
                    return follow(0);
                }
            } else {
                err.accept("upc: cleaning up after a local cluster that was not stopped");
                Leftovers.clean(state, line -> err.accept("upc: " + line));
                ClusterState.remove(dir);
            }
        }
        return start(pcs);
    }

    private int start(int pcs) {
        Path log = dir.resolve("supervisor.log");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(log);
            List<String> command = new ArrayList<>(List.of("setsid",
                    ProcessHandle.current().info().command().orElse("java"), "-Xmx128m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("upc.classpath", System.getProperty("java.class.path"))));
            String repo = System.getProperty("upc.repo");
            if (repo != null) {
                command.add("-Dupc.repo=" + repo);
            }
            command.addAll(List.of(dev.upc.e2e.UpcMain.class.getName(), "local-cluster", "--dir", dir.toString(),
                    "--pcs", Integer.toString(pcs)));
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local cluster's supervisor", e);
        }
        err.accept("upc: starting a local cluster with " + pcs + " PCs in " + dir + " (log " + log + ")");
        return follow(0);
    }

    /** Echoes the supervisor's progress until the cluster is ready (0) or failed (1). */
    private int follow(long offset) {
        Path log = dir.resolve("supervisor.log");
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        long seen = offset;
        boolean launched = false;
        while (System.nanoTime() < deadline) {
            seen = echo(log, seen);
            Optional<ClusterState> state = ClusterState.read(dir);
            if (state.isPresent()) {
                launched = true;
                ClusterState s = state.get();
                if (s.phase() == ClusterState.Phase.READY) {
                    echo(log, seen);
                    return ready(s);
                }
                if (s.phase() == ClusterState.Phase.FAILED || s.supervisor() == null || !s.supervisor().alive()) {
                    echo(log, seen);
                    err.accept("upc: the local cluster did not start" + (s.message() == null ? "" : ": " + s.message())
                            + " (log " + log + ")");
                    Leftovers.clean(s, line -> err.accept("upc: " + line));
                    ClusterState.remove(dir);
                    return 1;
                }
            } else if (launched) {
                err.accept("upc: the local cluster's supervisor went away (log " + log + ")");
                return 1;
            }
            sleep(200);
        }
        err.accept("upc: the local cluster was not ready within " + READY_LIMIT.toMinutes() + " min (log " + log + ")");
        return 1;
    }

    private int ready(ClusterState state) {
        ClusterState.Service scheduler = state.services().stream().filter(s -> s.name().equals("scheduler"))
                .findFirst().orElseThrow();
        String where = contexts.save(URI.create(scheduler.url()), Path.of(state.adminTokenFile()));
        out.accept("upc: the local cluster is up: " + state.pcs().size() + " PCs, scheduler at " + scheduler.url());
        out.accept("upc: the upc command line now talks to it as an admin (context 'local' in " + where + ")");
        out.accept("upc: try   ./upc jobs submit --image " + LocalCluster.SAMPLE_IMAGE + " --wait -- upc-counter "
                + "--work 5");
        return 0;
    }

    public int down() {
        Optional<ClusterState> found = ClusterState.read(dir);
        if (found.isEmpty()) {
            out.accept("upc: no local cluster is up (nothing in " + dir + ")");
            contexts.remove();
            return 0;
        }
        ClusterState state = found.get();
        Optional<ProcessHandle> supervisor = state.supervisor() == null ? Optional.empty()
                : state.supervisor().handle();
        if (supervisor.isPresent()) {
            err.accept("upc: stopping the local cluster (agents, PCs, then the control plane)");
            long offset = size(dir.resolve("supervisor.log"));
            supervisor.get().destroy();
            long deadline = System.nanoTime() + STOP_LIMIT.toNanos();
            while (supervisor.get().isAlive() && System.nanoTime() < deadline) {
                offset = echo(dir.resolve("supervisor.log"), offset);
                sleep(200);
            }
            echo(dir.resolve("supervisor.log"), offset);
            if (supervisor.get().isAlive()) {
                err.accept("upc: the supervisor did not stop within " + STOP_LIMIT.toMinutes() + " min: killing it");
                supervisor.get().destroyForcibly();
            }
        }
        Leftovers.clean(state, line -> err.accept("upc: " + line));
        ClusterState.remove(dir);
        contexts.remove();
        out.accept("upc: the local cluster is down");
        return 0;
    }

    public int status(boolean json) {
        Optional<ClusterState> found = ClusterState.read(dir);
        if (found.isEmpty()) {
            if (json) {
                ObjectNode node = ClusterState.json().createObjectNode().put("up", false).put("dir", dir.toString());
                out.accept(node.toPrettyString());
            } else {
                out.accept("upc: no local cluster is up (./upc up starts one)");
            }
            return 1;
        }
        ClusterState state = found.get();
        boolean supervisorAlive = state.supervisor() != null && state.supervisor().alive();
        HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE).build();
        List<Boolean> servicesHealthy = state.services().stream()
                .map(s -> supervisorAlive && healthy(http, s.url() + "/q/health/ready")).toList();
        List<Boolean> pcsHealthy = state.pcs().stream()
                .map(pc -> supervisorAlive && healthy(http, pc.agentUrl() + "/health/ready")).toList();
        boolean allHealthy = supervisorAlive && state.phase() == ClusterState.Phase.READY
                && !servicesHealthy.contains(false) && !pcsHealthy.contains(false);
        if (json) {
            out.accept(statusJson(state, supervisorAlive, servicesHealthy, pcsHealthy, allHealthy));
        } else {
            out.accept(String.format(Locale.ROOT, "local cluster: %s%s, %d PCs, work dir %s", state.phase(),
                    supervisorAlive ? "" : " (its supervisor is gone: ./upc down cleans up)", state.pcs().size(),
                    dir));
            out.accept(String.format(Locale.ROOT, "%-10s %-26s %s", "SERVICE", "URL", "HEALTH"));
            for (int i = 0; i < state.services().size(); i++) {
                ClusterState.Service s = state.services().get(i);
                out.accept(String.format(Locale.ROOT, "%-10s %-26s %s", s.name(), s.url(),
                        servicesHealthy.get(i) ? "ready" : "DOWN"));
            }
            out.accept(String.format(Locale.ROOT, "%-6s %-6s %-14s %-26s %s", "PC", "SPEED", "WORKER", "AGENT",
                    "HEALTH"));
            for (int i = 0; i < state.pcs().size(); i++) {
                ClusterState.Pc pc = state.pcs().get(i);
                out.accept(String.format(Locale.ROOT, "%-6s %-6s %-14s %-26s %s", pc.name(), pc.cpuPercent() + "%",
                        pc.workerId(), pc.agentUrl(), pcsHealthy.get(i) ? "ready" : "DOWN"));
            }
            out.accept("admin token: " + state.adminTokenFile() + "   join token: " + state.joinTokenFile());
        }
        return allHealthy ? 0 : 1;
    }

    private String statusJson(ClusterState state, boolean supervisorAlive, List<Boolean> servicesHealthy,
                              List<Boolean> pcsHealthy, boolean allHealthy) {
        ObjectNode node = ClusterState.json().createObjectNode();
        node.put("up", true).put("healthy", allHealthy).put("phase", state.phase().name()).put("dir", dir.toString());
        node.putObject("supervisor").put("pid", state.supervisor().pid()).put("alive", supervisorAlive);
        ArrayNode services = node.putArray("services");
        for (int i = 0; i < state.services().size(); i++) {
            ClusterState.Service s = state.services().get(i);
            services.addObject().put("name", s.name()).put("url", s.url()).put("healthy", servicesHealthy.get(i))
                    .put("log", s.log());
        }
        ArrayNode pcs = node.putArray("pcs");
        for (int i = 0; i < state.pcs().size(); i++) {
            ClusterState.Pc pc = state.pcs().get(i);
            pcs.addObject().put("name", pc.name()).put("cpuPercent", pc.cpuPercent()).put("workerId", pc.workerId())
                    .put("agentUrl", pc.agentUrl()).put("healthy", pcsHealthy.get(i)).put("log", pc.agentLog());
        }
        node.put("adminTokenFile", state.adminTokenFile()).put("joinTokenFile", state.joinTokenFile());
        node.put("readyAt", state.readyAt() == null ? null : state.readyAt().toString());
        return node.toPrettyString();
    }

    private static boolean healthy(HttpClient http, String url) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(PROBE).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Prints the log's lines after {@code offset}; returns the new offset. */
    private long echo(Path log, long offset) {
        if (!Files.exists(log)) {
            return offset;
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            if (file.length() <= offset) {
                return offset;
            }
            file.seek(offset);
            byte[] bytes = new byte[(int) (file.length() - offset)];
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return offset;
            }
            text.substring(0, end).lines().forEach(line -> err.accept("  " + line));
            return offset + text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length;
        } catch (IOException e) {
            return offset;
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private void awaitExit(ClusterState.Proc process) {
        long deadline = System.nanoTime() + STOP_LIMIT.toNanos();
        while (process.alive() && System.nanoTime() < deadline) {
            sleep(200);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
