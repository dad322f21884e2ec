package dev.upc.e2e.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code ./upc up} started, as its supervisor writes it to {@code <dir>/cluster.json}: every process with its
 * pid and start time (so that {@code down} stops exactly those, and never a process that merely reuses a pid), the
 * URLs, the PCs and the files holding the admin and join tokens.
 *
 * @param formatVersion  {@value #FORMAT_VERSION}
 * @param phase          where the supervisor is
 * @param message        why it FAILED, or what it is doing
 * @param supervisor     the process that owns everything else
 * @param services       the control plane's services
 * @param postgresDir    the private PostgreSQL's directory
 * @param pcs            the simulated PCs
 * @param adminTokenFile a file holding an admin token
 * @param joinTokenFile  a file holding the join token
 */
public record ClusterState(int formatVersion, Phase phase, String message, Proc supervisor, List<Service> services,
                           String postgresDir, List<Pc> pcs, String adminTokenFile, String joinTokenFile,
                           Instant startedAt, Instant readyAt) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE = "cluster.json";

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public enum Phase { STARTING, READY, STOPPING, FAILED }

    public ClusterState {
        services = services == null ? List.of() : List.copyOf(services);
        pcs = pcs == null ? List.of() : List.copyOf(pcs);
    }

    /** A process, told apart from a later one with the same pid by its start time. */
    public record Proc(long pid, Instant startedAt) {

        public static Proc of(ProcessHandle handle) {
            return new Proc(handle.pid(), handle.info().startInstant().orElse(null));
        }

        /** The process, if it still runs and is this one. */
        public Optional<ProcessHandle> handle() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> {
                Instant started = h.info().startInstant().orElse(null);
                return startedAt == null || started == null
                        || Duration.between(started, startedAt).abs().compareTo(Duration.ofSeconds(2)) < 0;
            });
        }

        public boolean alive() {
            return handle().isPresent();
        }
    }

    public record Service(String name, String url, Proc process, String log) {
    }

    /**
     * @param agentUrl the agent's localhost status endpoint
     * @param home     the PC's podman storage
     * @param fastDir  its run root and temp dir
     */
    public record Pc(String name, int cpuPercent, String workerId, Proc podman, Proc agent, String agentUrl,
                     String agentLog, String home, String fastDir) {
    }

    public ClusterState with(Phase newPhase, String newMessage) {
        return new ClusterState(formatVersion, newPhase, newMessage, supervisor, services, postgresDir, pcs,
                adminTokenFile, joinTokenFile, startedAt, newPhase == Phase.READY ? Instant.now() : readyAt);
    }

    public static Optional<ClusterState> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            ClusterState state = JSON.readValue(file.toFile(), ClusterState.class);
            if (state.formatVersion() != FORMAT_VERSION) {
                throw new IllegalStateException(file + " has format " + state.formatVersion() + ", not "
                        + FORMAT_VERSION + ": stop that cluster with the UPC version that started it");
            }
            return Optional.of(state);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Written whole or not at all (temp file, then rename). */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".cluster-", ".json");
            JSON.writeValue(temp.toFile(), this);
            Files.move(temp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
        }
    }

    public static void remove(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir.resolve(FILE), e);
        }
    }

    /** Everything as JSON, for {@code status --json}. */
    static ObjectMapper json() {
        return JSON;
    }
}
