package dev.upc.e2e.local;

import dev.upc.agent.facts.CpuInfo;
import dev.upc.agent.lifecycle.AgentStatus;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.CachedBenchmark;
import dev.upc.e2e.agent.AgentProcess;
import dev.upc.e2e.cluster.ServiceCluster;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.pc.SimulatedPc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A whole UPC cluster on this machine: the control plane ({@link ServiceCluster}: a private PostgreSQL, the registry,
 * the scheduler and the checkpoint store), simulated PCs of different speed ({@link SimulatedPc}: each its own podman
 * service and storage, its speed a CPU quota) each served by the real agent, and the sample job image in the store.
 * What {@code ./upc up} keeps running and what each run of {@code ./upc demo} starts and stops: one composition for
 * both.
 */
public final class LocalCluster implements AutoCloseable {

    /** The sample job image every local cluster offers. */
    public static final String SAMPLE_IMAGE = CounterImage.REFERENCE;
    private static final Duration REGISTERED = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    /**
     * What to start.
     *
     * @param dir                 the cluster's work dir (keys, service logs, blobs, agents' state); kept at close
     * @param pcs                 the simulated PCs
     * @param schedulerProperties further scheduler settings (the policy's knobs)
     * @param imageArchive        the sample image as a docker-archive, or null to build it here
     * @param closeOnExit         whether a JVM exit stops everything (off for an owner that stops it in order)
     */
    public record Spec(Path dir, List<Pc> pcs, Map<String, String> schedulerProperties, Path imageArchive,
                       boolean closeOnExit) {

        public Spec {
            pcs = List.copyOf(pcs);
            schedulerProperties = Map.copyOf(schedulerProperties);
        }
    }

    /**
     * A simulated PC: its speed is {@code cpuPercent} of one core of this machine; {@code agentSettings} override its
     * agent's (e.g. an owner detector for a bench).
     */
    public record Pc(String name, int cpuPercent, Map<String, String> agentSettings) {

        public Pc {
            agentSettings = Map.copyOf(agentSettings);
        }

        public Pc(String name, int cpuPercent) {
            this(name, cpuPercent, Map.of());
        }
    }

    /** A PC that runs: its podman service, its agent and the worker id the registry gave it. */
    public record RunningPc(Pc spec, SimulatedPc pc, AgentProcess agent, String workerId, double score) {
    }

    /** Speeds of the PCs of {@code ./upc up --pcs N}: different, slower down the list. */
    private static final int[] SPEEDS = {80, 40, 30, 20, 15, 10};

    /** {@code n} PCs named pc1…pcN with different speeds. */
    public static List<Pc> pcs(int n) {
        List<Pc> pcs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pcs.add(new Pc("pc" + (i + 1), SPEEDS[Math.min(i, SPEEDS.length - 1)]));
        }
        return pcs;
    }

    private final Spec spec;
    private final Consumer<String> say;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, RunningPc> pcs = new LinkedHashMap<>();
    private ServiceCluster services;
    private Path adminTokenFile;
    private Path joinTokenFile;
    private boolean closed;

    private LocalCluster(Spec spec, Consumer<String> say) {
        this.spec = spec;
        this.say = say;
    }

    /**
     * Starts everything and waits until every PC's agent has registered.
     *
     * @throws IllegalStateException when a part does not come up (naming its log); what started is stopped again
     */
    public static LocalCluster start(Spec spec, Consumer<String> say) {
        LocalCluster cluster = new LocalCluster(spec, say);
        try {
            cluster.startAll();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll() {
        long t0 = System.nanoTime();
        ServiceCluster.Builder builder = ServiceCluster.builder().workDir(spec.dir().resolve("cluster"))
                .keepWorkDir(true).closeOnExit(spec.closeOnExit()).planInterval(Duration.ofSeconds(1));
        spec.schedulerProperties().forEach((key, value) -> builder.property(ServiceCluster.Service.SCHEDULER, key,
                value));
        services = builder.start();
        started.add(services);
        adminTokenFile = secret("admin.token", services.keys().adminToken("admin", Duration.ofDays(30)));
        joinTokenFile = secret("join.token", services.joinToken());

        List<CompletableFuture<SimulatedPc>> starting = new ArrayList<>();
        for (Pc pc : spec.pcs()) {
            starting.add(CompletableFuture.supplyAsync(() -> SimulatedPc.start(pc.name())));
        }
        List<SimulatedPc> simulated = new ArrayList<>();
        for (CompletableFuture<SimulatedPc> pc : starting) {
            simulated.add(pc.join());
            started.add(simulated.get(simulated.size() - 1));
        }
        Path image = spec.imageArchive() != null ? spec.imageArchive() : buildImage(simulated.get(0));
        services.admin().pushImage(SAMPLE_IMAGE, image); // as any admin pushes an image
        say.accept("sample job image " + SAMPLE_IMAGE + " is in the store");

        List<AgentProcess> agents = new ArrayList<>();
        for (int i = 0; i < spec.pcs().size(); i++) {
            Pc pc = spec.pcs().get(i);
            seedBenchmark(services.workDir().resolve("agent-" + pc.name()).resolve("state"));
            AgentProcess agent = AgentProcess.start(services, simulated.get(i), pc.cpuPercent(), pc.agentSettings());
            started.add(agent);
            agents.add(agent);
        }
        for (int i = 0; i < spec.pcs().size(); i++) {
            Pc pc = spec.pcs().get(i);
            AgentStatus status = agents.get(i).awaitRegistered(REGISTERED);
            pcs.put(pc.name(), new RunningPc(pc, simulated.get(i), agents.get(i), status.workerId(),
                    status.benchmarkScore()));
            say.accept(String.format(java.util.Locale.ROOT, "%s registered as %s with speed %.2f (%d%% of a core)",
                    pc.name(), status.workerId(), status.benchmarkScore(), pc.cpuPercent()));
        }
        say.accept(String.format(java.util.Locale.ROOT, "local cluster ready in %.1f s: %d PCs",
                (System.nanoTime() - t0) / 1e9, pcs.size()));
    }

    private Path buildImage(SimulatedPc builder) {
        say.accept("building the sample job image (static busybox + jobs/counter/counter.c, no registry needed)");
        return CounterImage.build(spec.dir()).archive(builder.client());
    }

    /**
     * All simulated PCs share this machine's cores, which are the benchmark's reference (score 1.0 by definition):
     * each agent's cached benchmark is set to that, so each PC reports 1.0 × its quota. Measured by several agents at
     * once on a loaded machine, the scores came out in random order.
     */
    public static void seedBenchmark(Path stateDir) {
        try {
            String model = CpuInfo.parse(Files.readString(Path.of("/proc/cpuinfo"))).modelName();
            try (AgentState state = AgentState.open(stateDir)) {
                state.benchmark(new CachedBenchmark(1.0, model, Instant.now()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot seed the agent's benchmark in " + stateDir, e);
        }
    }

    private Path secret(String name, String value) {
        Path file = spec.dir().resolve(name);
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, value + "\n", StandardOpenOption.TRUNCATE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public ServiceCluster services() {
        return services;
    }

    /** The running PCs by name, in the order of the spec. */
    public Map<String, RunningPc> pcs() {
        return java.util.Collections.unmodifiableMap(pcs);
    }

    /** A file (mode 600) holding an admin token of the cluster, valid for 30 days. */
    public Path adminTokenFile() {
        return adminTokenFile;
    }

    /** A file (mode 600) holding the cluster's join token, which PCs register with. */
    public Path joinTokenFile() {
        return joinTokenFile;
    }

    public Path dir() {
        return spec.dir();
    }

    /** Stops the agents, then the PCs (resetting their storage), then the control plane; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAll(started.stream().filter(AgentProcess.class::isInstance).toList());
        stopAll(started.stream().filter(SimulatedPc.class::isInstance).toList());
        stopAll(started.stream().filter(ServiceCluster.class::isInstance).toList());
    }

    private static void stopAll(List<AutoCloseable> parts) {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (AutoCloseable part : parts) {
            stops.add(CompletableFuture.runAsync(() -> {
                try {
                    if (part instanceof AgentProcess agent) {
                        agent.stop(STOP_GRACE);
                    } else {
                        part.close();
                    }
                } catch (Exception e) {
                    System.err.println("upc: could not stop " + part + ": " + e.getMessage());
                }
            }));
        }
        stops.forEach(CompletableFuture::join);
    }
}
