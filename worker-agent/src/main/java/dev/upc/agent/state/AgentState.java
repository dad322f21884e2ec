package dev.upc.agent.state;

import dev.upc.agent.json.JsonException;
import dev.upc.agent.json.JsonRecords;
import dev.upc.protocol.AgentEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent must not forget across a crash or reboot: its worker id, its job containers, the commands it has
 * carried out, and the events the scheduler has not accepted yet. Every change is written to disk before the method
 * returns (temp file, fsync, atomic rename), so "done" in memory is "done" on disk.
 */
public final class AgentState implements AutoCloseable {

    static final int HANDLED_LIMIT = 2000;
    static final int SET_ASIDE_LIMIT = 100;

    private final Path file;

    private String workerId;
    private CachedBenchmark benchmark;
    private CachedPodman podman;
    /** The state file's mode: it holds the worker's credential. */
    private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    private Integer cpuCapPercent;
    private String credential;
    private CachedCriu criu;
    private final Map<String, ManagedContainer> containers = new LinkedHashMap<>();
    private final LinkedHashSet<String> handled = new LinkedHashSet<>();
    private final List<AgentEvent> outbox = new ArrayList<>();
    private final List<StateSnapshot.SetAside> setAside = new ArrayList<>();
    private volatile Runnable onNewEvents = () -> { };

    private AgentState(Path file) {
        this.file = file;
    }

    /**
     * Loads the state file in {@code dir}, or starts empty when there is none. A damaged file is an error, and so is
     * a directory another agent process holds ({@code agent.lock}, released when that process ends, also by a
     * crash): two agents on one state would undo each other's work.
     */
    public static AgentState open(Path dir) throws IOException {
        Files.createDirectories(dir);
        lock(dir);
        AgentState state = new AgentState(dir.resolve("state.json"));
        try {
            StateSnapshot snapshot = JsonRecords.read(Files.readAllBytes(state.file), StateSnapshot.class);
            if (snapshot.formatVersion() != StateSnapshot.FORMAT_VERSION) {
                throw new IOException("state file " + state.file + " has format " + snapshot.formatVersion()
                        + ", this agent writes " + StateSnapshot.FORMAT_VERSION);
            }
            state.workerId = snapshot.workerId();
            state.benchmark = snapshot.benchmark();
            state.podman = snapshot.podman();
            state.containers.putAll(snapshot.containers());
            state.handled.addAll(snapshot.handled());
            state.outbox.addAll(snapshot.outbox());
            state.setAside.addAll(snapshot.setAside());
            state.cpuCapPercent = snapshot.cpuCapPercent();
            state.credential = snapshot.credential();
            state.criu = snapshot.criu();
        } catch (NoSuchFileException e) {
            state.save();
        } catch (JsonException e) {
            throw new IOException("state file " + state.file + " is damaged (" + e.getMessage()
                    + "); move it away to start afresh (running jobs are found again by their labels)", e);
        }
        return state;
    }

    /** Channels of the state directories this process holds, open (and locked) until it exits. */
    private static final Map<Path, FileChannel> LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Path lockFile(Path dir) {
        return dir.resolve("agent.lock").toAbsolutePath().normalize();
    }

    private static void lock(Path dir) throws IOException {
        Path lockFile = lockFile(dir);
        if (LOCKS.containsKey(lockFile)) {
            return; // this process holds it already (tests open a state twice)
        }
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (channel.tryLock() == null) {
                channel.close();
                throw new IOException("another upc-agent uses " + dir + " (it holds " + lockFile
                        + "); stop it first, e.g. systemctl stop upc-agent");
            }
        } catch (java.nio.channels.OverlappingFileLockException e) {
            channel.close();
            return;
        }
        LOCKS.put(lockFile, channel);
    }

    /**
     * Lets another process use the state directory. The agent keeps its state open while it lives (the lock goes
     * with the process); tools that edit a state in passing, like the demo seeding a benchmark, close it.
     */
    @Override
    public void close() throws IOException {
        FileChannel held = LOCKS.remove(lockFile(file.getParent()));
        if (held != null) {
            held.close();
        }
    }

    public Path file() {
        return file;
    }

    public synchronized Optional<String> workerId() {
        return Optional.ofNullable(workerId);
    }

    public synchronized void workerId(String id) {
        workerId = id;
        save();
    }

    public synchronized Optional<CachedBenchmark> benchmark() {
        return Optional.ofNullable(benchmark);
    }

    public synchronized void benchmark(CachedBenchmark value) {
        benchmark = value;
        save();
    }

    public synchronized Optional<CachedPodman> podman() {
        return Optional.ofNullable(podman);
    }

    public synchronized void podman(CachedPodman value) {
        podman = value;
        save();
    }

    /** The CRIU binary that passed {@code criu check} on this boot, if one did. */
    public synchronized Optional<CachedCriu> criu() {
        return Optional.ofNullable(criu);
    }

    public synchronized void criu(CachedCriu value) {
        criu = value;
        save();
    }

    /** This worker's own credential, once enrolled. */
    public synchronized Optional<String> credential() {
        return Optional.ofNullable(credential);
    }

    public synchronized void credential(String value) {
        credential = value;
        save();
    }

    /** The owner's CPU cap chosen at run time, or empty for the configured one. */
    public synchronized Optional<Integer> cpuCapPercent() {
        return Optional.ofNullable(cpuCapPercent);
    }

    /** Keeps the owner's CPU cap (null: the configured one); unchanged when the state file cannot be written. */
    public synchronized void cpuCapPercent(Integer percent) {
        Integer before = cpuCapPercent;
        cpuCapPercent = percent;
        try {
            save();
        } catch (UncheckedIOException e) {
            cpuCapPercent = before;
            throw e;
        }
    }

    public synchronized Map<String, ManagedContainer> containers() {
        return Map.copyOf(containers);
    }

    public synchronized Optional<ManagedContainer> container(String name) {
        return Optional.ofNullable(containers.get(name));
    }

    public synchronized void remember(ManagedContainer container) {
        containers.put(container.name(), container);
        save();
    }

    public synchronized void forget(String containerName) {
        if (containers.remove(containerName) != null) {
            save();
        }
    }

    /** Called (outside the lock) whenever events were queued: wakes the sender. */
    public void onNewEvents(Runnable listener) {
        this.onNewEvents = listener;
    }

    public synchronized boolean handled(String commandId) {
        return handled.contains(commandId);
    }

    /** Marks a command done and queues the events that report it, in one write. */
    public void done(String commandId, List<AgentEvent> events) {
        synchronized (this) {
            handled.add(commandId);
            while (handled.size() > HANDLED_LIMIT) {
                handled.remove(handled.iterator().next());
            }
            outbox.addAll(events);
            save();
        }
        onNewEvents.run();
    }

    /** Queues an event that is not the end of a command (e.g. EXITED of a container). */
    public void queue(AgentEvent event) {
        synchronized (this) {
            outbox.add(event);
            save();
        }
        onNewEvents.run();
    }

    public synchronized Optional<AgentEvent> nextEvent() {
        return outbox.isEmpty() ? Optional.empty() : Optional.of(outbox.get(0));
    }

    public synchronized int pendingEvents() {
        return outbox.size();
    }

    /** The scheduler accepted {@code event}: drop it from the outbox. */
    public synchronized void delivered(AgentEvent event) {
        if (!outbox.isEmpty() && outbox.get(0).equals(event)) {
            outbox.remove(0);
            save();
        }
    }

    /**
     * The scheduler keeps failing on {@code event}: take it out of the outbox so that the later ones flow, and keep it
     * with {@code reason} among the last {@value #SET_ASIDE_LIMIT} set aside.
     */
    public synchronized void setAside(AgentEvent event, java.time.Instant at, String reason) {
        if (!outbox.isEmpty() && outbox.get(0).equals(event)) {
            outbox.remove(0);
            setAside.add(new StateSnapshot.SetAside(event, at, reason));
            while (setAside.size() > SET_ASIDE_LIMIT) {
                setAside.remove(0);
            }
            save();
        }
    }

    /** The events set aside, oldest first. */
    public synchronized List<StateSnapshot.SetAside> setAside() {
        return List.copyOf(setAside);
    }

    private void save() {
        StateSnapshot snapshot = new StateSnapshot(StateSnapshot.FORMAT_VERSION, workerId, benchmark, podman, containers,
                List.copyOf(handled), outbox, cpuCapPercent, credential, criu, setAside);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            byte[] bytes = JsonRecords.writeIndented(snapshot);
            Files.deleteIfExists(temp); // created anew below, so that it gets its mode: it holds the credential
            try (FileChannel out = FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), OWNER_ONLY)) {
                out.write(java.nio.ByteBuffer.wrap(bytes));
                out.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the agent's state file " + file, e);
        }
    }
}
