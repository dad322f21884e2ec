package dev.upc.e2e.agent;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.upc.agent.lifecycle.AgentStatus;
import dev.upc.agent.local.LocalSecret;
import dev.upc.e2e.cluster.ServiceCluster;
import dev.upc.e2e.job.RepoFiles;
import dev.upc.e2e.pc.SimulatedPc;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real worker agent (its packaged jar) as a process serving one {@link SimulatedPc}, configured the way an
 * install on a PC would be, with system properties instead of /etc/upc/agent.properties. It can be killed with
 * SIGKILL and started again on the same state directory, as after a crash.
 */
public final class AgentProcess implements AutoCloseable {

    private static final String JAR = "worker-agent/target/quarkus-app/quarkus-run.jar";
    /** The launcher's small-JVM options (worker-agent/src/dist/bin/upc-agent), as tests have always used them. */
    private static final List<String> TEST_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:CICompilerCount=2",
            "-Xmx64m", "-Xss512k");
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final String name;
    private final List<String> command;
    private final Path log;
    private final int localPort;
    private Process process;
    private int starts;
    private long logOffset;
    private long launchedAtMillis;

    private AgentProcess(String name, List<String> command, Path log, int localPort) {
        this.name = name;
        this.command = command;
        this.log = log;
        this.localPort = localPort;
    }

    /**
     * Starts an agent for {@code pc} against {@code cluster}.
     *
     * @param cpuLimitPercent the PC's speed in this simulation: the share of a core its jobs get
     * @param extra           further settings, e.g. {@code upc.agent.poll-wait=5s}
     */
    public static AgentProcess start(ServiceCluster cluster, SimulatedPc pc, int cpuLimitPercent,
                                     Map<String, String> extra) {
        return start(cluster, pc, cpuLimitPercent, extra, Launch.packagedJar());
    }

    /** As {@link #start(ServiceCluster, SimulatedPc, int, Map)}, with the program and JVM options of {@code launch}. */
    public static AgentProcess start(ServiceCluster cluster, SimulatedPc pc, int cpuLimitPercent,
                                     Map<String, String> extra, Launch launch) {
        return start(cluster, pc, cpuLimitPercent, extra, launch, "run");
    }

    /** As above, with the agent's {@code command}: {@code run}, or {@code train} (a real start that stops itself). */
    public static AgentProcess start(ServiceCluster cluster, SimulatedPc pc, int cpuLimitPercent,
                                     Map<String, String> extra, Launch launch, String command) {
        return start(new ControlPlane(cluster.workDir(), cluster.joinToken(), cluster.registryUrl(),
                cluster.schedulerUrl(), cluster.storeUrl(), cluster.caFile()), pc, cpuLimitPercent, extra, launch,
                command);
    }

    /**
     * The services an agent joins, wherever they run (a {@link ServiceCluster}, or pods of a deployment).
     *
     * @param workDir where the agent's state, join token file and log go ({@code agent-<pc>/})
     * @param caFile  the CA the services' HTTPS chains to, or null (plain http, or the JVM's list)
     */
    public record ControlPlane(Path workDir, String joinToken, URI registry, URI scheduler, URI store, Path caFile) {
    }

    /** An agent for {@code pc} against {@code services}, with the packaged jar. */
    public static AgentProcess start(ControlPlane services, SimulatedPc pc, int cpuLimitPercent,
                                     Map<String, String> extra) {
        return start(services, pc, cpuLimitPercent, extra, Launch.packagedJar(), "run");
    }

    private static AgentProcess start(ControlPlane cluster, SimulatedPc pc, int cpuLimitPercent,
                                      Map<String, String> extra, Launch launch, String command) {
        try {
            Path dir = Files.createDirectories(cluster.workDir().resolve("agent-" + pc.name()));
            Path token = dir.resolve("join-token");
            Files.writeString(token, cluster.joinToken() + "\n");
            int port = freePort();
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("upc.agent.registry-url", cluster.registry().toString());
            settings.put("upc.agent.scheduler-url", cluster.scheduler().toString());
            settings.put("upc.agent.store-url", cluster.store().toString());
            settings.put("upc.agent.join-token-file", token.toString());
            if (cluster.caFile() != null) {
                settings.put("upc.agent.ca-file", cluster.caFile().toString());
            }
            settings.put("upc.agent.podman-socket", pc.socket().toString());
            settings.put("upc.agent.state-dir", dir.resolve("state").toString());
            settings.put("upc.agent.machine-id", "sim-" + pc.name() + "-" + Long.toHexString(System.nanoTime()));
            settings.put("upc.agent.local-port", Integer.toString(port));
            settings.put("upc.agent.job-cpus", "1");
            settings.put("upc.agent.cpu-limit-percent", Integer.toString(cpuLimitPercent));
            settings.put("upc.agent.poll-wait", "10s");
            // Every heartbeat lists the job containers, also on an idle PC: tests plant strays and expect them fenced
            // within a minute (an installed agent looks every 5 minutes when it has no jobs).
            settings.put("upc.agent.idle-scan-interval", "0s");
            settings.put("upc.agent.labels.pc", pc.name());
            settings.put("upc.agent.name", pc.name()); // PCs on one machine share a hostname
            // Simulated PCs share one machine: the owner is whatever the test toggles, not this machine's load.
            settings.put("upc.agent.owner.detectors", "none");
            settings.putAll(extra);
            List<String> line = new ArrayList<>(launch.program());
            settings.forEach((key, value) -> line.add("-D" + key + "=" + value));
            line.addAll(launch.target());
            line.add(command);
            AgentProcess agent = new AgentProcess(pc.name(), List.copyOf(line), dir.resolve("agent.log"), port);
            agent.launch();
            return agent;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the agent for " + pc.name(), e);
        }
    }

    private void launch() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("PATH", PATH);
        Files.writeString(log, "---- start " + (++starts) + " ----\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        logOffset = Files.size(log);
        launchedAtMillis = System.currentTimeMillis();
        process = builder.start();
    }

    /** The wall-clock time just before the process of the latest start was spawned. */
    public long launchedAtMillis() {
        return launchedAtMillis;
    }

    public long pid() {
        return process.pid();
    }

    /** The agent's process while it runs. */
    public java.util.Optional<ProcessHandle> handle() {
        return process == null || !process.isAlive() ? java.util.Optional.empty() : java.util.Optional.of(process.toHandle());
    }

    /** The port of its localhost status endpoint. */
    public int localPort() {
        return localPort;
    }

    /** What the agent logged since its latest start. */
    public List<String> logOfThisStart() {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(Math.min(logOffset, file.length()));
            byte[] bytes = new byte[(int) (file.length() - file.getFilePointer())];
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** Waits until the agent is registered and has heartbeated; returns its status. */
    public AgentStatus awaitRegistered(Duration timeout) {
        return await(s -> s.registered() && s.lastHeartbeatAt() != null, timeout, "registered");
    }

    public AgentStatus await(Predicate<AgentStatus> condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        AgentStatus last = null;
        while (System.nanoTime() < deadline) {
            if (!alive()) {
                throw new IllegalStateException("agent " + name + " exited with " + process.exitValue()
                        + " while waiting for " + what + "; log " + log + ":\n" + tail());
            }
            try {
                last = status();
                if (condition.test(last)) {
                    return last;
                }
            } catch (UncheckedIOException notYet) {
                // the local endpoint is not up yet
            }
            sleep(100);
        }
        throw new IllegalStateException("agent " + name + " not " + what + " within " + timeout + " (last status "
                + last + "); log " + log + ":\n" + tail());
    }

    public AgentStatus status() {
        return JSON.convertValue(call("GET", "/status"), AgentStatus.class);
    }

    /** {@code upc-agent owner active|idle|auto}, through the local endpoint the command uses. */
    public void owner(String mode) {
        call("PUT", "/owner/" + mode);
    }

    /** SIGKILL: the agent dies at once, as in a crash; its job containers live on under conmon. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /**
     * SIGKILL to the agent and to the processes it started (its exit guard among them) at once, as when its PC loses
     * power: nothing of the agent gets to act on its death.
     */
    public void killWithItsChildren() {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGSTOP: the agent freezes mid-whatever (its connections stay open), as a PC that hangs for a while. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Starts the agent again on the same state directory and port. */
    public void restart() {
        if (alive()) {
            kill();
        }
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private Map<?, ?> call(String method, String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + localPort + path).toURL()
                    .openConnection();
            c.setRequestMethod(method);
            if (!method.equals("GET")) { // a change carries the secret the agent keeps in its state directory
                String secret = Files.readString(log.resolveSibling("state").resolve(LocalSecret.FILE)).strip();
                c.setRequestProperty("Authorization", "Bearer " + secret);
            }
            c.setConnectTimeout(1000);
            c.setReadTimeout(10_000);
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                byte[] body = in == null ? new byte[0] : in.readAllBytes();
                if (status >= 400) {
                    throw new IllegalStateException(method + " " + path + " → " + status + ": "
                            + new String(body, StandardCharsets.UTF_8));
                }
                return JSON.readValue(body, Map.class);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitExit() {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(15));
    }

    /** Waits for the process to end by itself; its exit code, or empty if it still runs after {@code timeout}. */
    public java.util.OptionalInt awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    ? java.util.OptionalInt.of(process.exitValue()) : java.util.OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.OptionalInt.empty();
        }
    }

    /**
     * SIGTERM, as systemd stops the agent; SIGKILL if it has not exited after {@code grace}. A JVM that writes an AOT
     * cache (-XX:AOTCacheOutput) does so while exiting and needs a longer grace.
     *
     * @return the exit code, or -1 if it had to be killed
     */
    public int stop(Duration grace) {
        if (process == null) {
            return -1;
        }
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                    return -1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                return -1;
            }
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /**
     * How the agent's process is started: the program with its options, which come before the {@code -D} settings,
     * and what follows the settings ({@code -jar <jar>} for the JVM); the agent's command is appended.
     */
    public record Launch(List<String> program, List<String> target) {

        public Launch {
            program = List.copyOf(program);
            target = List.copyOf(target);
            if (program.isEmpty()) {
                throw new IllegalArgumentException("no program");
            }
        }

        /** The packaged fast-jar of this checkout with the options tests use. */
        public static Launch packagedJar() {
            return jvm(RepoFiles.find(JAR), TEST_JVM_OPTIONS);
        }

        /** {@code java <options> -D… -jar <jar> run}, with the java running this harness. */
        public static Launch jvm(Path jar, List<String> options) {
            List<String> program = new ArrayList<>(List.of(javaBinary()));
            program.addAll(options);
            return new Launch(program, List.of("-jar", jar.toString()));
        }

        /** A native executable of the agent ({@code worker-agent/target/*-runner}). */
        public static Launch nativeExecutable(Path runner) {
            return new Launch(List.of(runner.toString()), List.of());
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
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
