package dev.upc.e2e.soak;

import dev.upc.agent.control.ControlPlane;
import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.StoreClient;
import dev.upc.agent.control.WorkerSession;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventType;
import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerRegistered;
import dev.upc.protocol.WorkerRegistration;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Consumer;

/**
 * A PC of the soak at the protocol level: it enrols with the join token (and then its own credential), heartbeats to
 * the registry, long-polls the scheduler for commands, reports events, and stores and fetches real checkpoint blobs,
 * all through the agent's own control-plane client. Its jobs are simulated: work done at the PC's speed, a checkpoint
 * holding how far a job got. Like the agent it holds its jobs when its lease lapses and, back in touch, asks the
 * scheduler which are still its own. A crash loses everything but its credential; a cut fails every call.
 */
final class SoakPc {

    private static final Duration POLL = Duration.ofSeconds(20);
    private static final long TICK_MILLIS = 500;

    /** What every PC of a soak shares. */
    record Shared(ControlPlane control, StoreClient store, String joinToken, Duration heartbeat, Duration lease,
                  CopyLedger ledger, Deliveries deliveries, Consumer<String> say) {
    }

    /** Told of each command as it reaches a PC for the first time. */
    interface Deliveries {
        /**
         * @param calm whether the PC was up and reachable all the while since the command was queued (else the delay
         *             is the fault's, not the scheduler's)
         */
        void delivered(Instant queued, Instant received, boolean calm);
    }

    /** A job's container here. */
    private static final class SimJob {
        final String jobId;
        final long epoch;
        final String container;
        final String createdBy;
        final double work;
        final long startedNanos = System.nanoTime();
        double done;
        boolean running = true;

        SimJob(AgentCommand command, double work, double done) {
            this.jobId = command.jobId();
            this.epoch = command.epoch();
            this.container = command.containerName();
            this.createdBy = command.commandId();
            this.work = work;
            this.done = done;
        }
    }

    private final String name;
    private final double speed;
    private final Shared shared;
    private final WorkerRegistration registration;
    /** Kept across crashes, as the agent keeps it in its state directory. */
    private volatile String credential;
    private volatile boolean cut;
    private volatile Life life;
    /** Since when the PC has been up and reachable without a break. */
    private volatile Instant calmSince = Instant.now();

    SoakPc(String name, double speed, int cpus, Shared shared) {
        this.name = name;
        this.speed = speed;
        this.shared = shared;
        this.registration = new WorkerRegistration("soak-" + name, name, "0.1.0-SNAPSHOT", cpus, 16_384L, cpus,
                "soak CPU", List.of("sse2", "avx2"), speed, "4.3.1", "4.1.1", "runc", 1, "amd64", Map.of(), 8_192L);
    }

    String name() {
        return name;
    }

    boolean up() {
        return life != null;
    }

    /** Starts the PC: enrols (again) and runs. */
    void boot() {
        calmSince = Instant.now();
        life = new Life();
        life.start();
    }

    /** Power off: every job dies, every thread stops, nothing is said to anyone. */
    void crash() {
        Life dying = life;
        life = null;
        if (dying != null) {
            dying.stop();
        }
    }

    /** The PC's network: cut (every call fails, an answer in flight is lost) or healed. */
    void cut(boolean cut) {
        this.cut = cut;
        calmSince = Instant.now();
    }

    void close() {
        crash();
    }

    /** One boot of the PC: its session, jobs and threads. */
    private final class Life {
        private final Map<String, SimJob> jobs = new ConcurrentHashMap<>();
        private final Map<String, Double> dumps = new ConcurrentHashMap<>();
        private final Set<String> handled = ConcurrentHashMap.newKeySet();
        private final LinkedBlockingDeque<AgentEvent> outbox = new LinkedBlockingDeque<>();
        private final LinkedBlockingDeque<AgentCommand> inbox = new LinkedBlockingDeque<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean stopped;
        private volatile WorkerSession session;
        private volatile long lastBeatNanos = System.nanoTime();
        private boolean held;

        void start() {
            threads.add(thread("run", this::run));
            threads.add(thread("poll", this::poll));
            threads.add(thread("events", this::send));
            threads.add(thread("commands", this::handle));
            threads.forEach(Thread::start);
        }

        void stop() {
            synchronized (this) {
                stopped = true;
                jobs.values().forEach(job -> shared.ledger().stopped(job.jobId, copy(job)));
            }
            threads.forEach(Thread::interrupt);
        }

        private Thread thread(String what, Runnable body) {
            Thread thread = new Thread(() -> {
                try {
                    body.run();
                } catch (RuntimeException e) {
                    if (!stopped) {
                        shared.say().accept(name + " " + what + " died: " + e);
                    }
                }
            }, "soak-" + name + "-" + what);
            thread.setDaemon(true);
            return thread;
        }

        /** Enrols, then beats and ticks the jobs until the PC goes down. */
        private void run() {
            enrol();
            long nextBeat = 0;
            while (!stopped) {
                long now = System.nanoTime();
                if (now >= nextBeat) {
                    beat();
                    nextBeat = now + shared.heartbeat().toNanos();
                }
                tick();
                if (!pause(TICK_MILLIS)) {
                    return;
                }
            }
        }

        private void enrol() {
            while (!stopped) {
                try {
                    WorkerRegistered registered = call(() -> shared.control().register(registration,
                            shared.joinToken(), credential));
                    if (registered.credential() != null) {
                        credential = registered.credential();
                    }
                    session = new WorkerSession(registered.workerId(), registered.workerToken(),
                            registered.tokenExpiresAt());
                    lastBeatNanos = System.nanoTime();
                    return;
                } catch (ControlPlaneException e) {
                    if (!pause(1000)) {
                        return;
                    }
                }
            }
        }

        private void beat() {
            List<ContainerReport> reports = new ArrayList<>();
            int busy = 0;
            synchronized (this) {
                for (SimJob job : jobs.values()) {
                    reports.add(new ContainerReport(job.jobId, job.epoch, job.running && !held ? "running" : "paused",
                            job.done, 64L));
                    busy += job.running ? 1 : 0;
                }
            }
            Heartbeat heartbeat = new Heartbeat(OwnerState.IDLE, false, (double) Math.max(0, registration.jobCpus() - busy),
                    8_192L - 64L * busy, (double) busy, reports);
            try {
                call(() -> shared.control().heartbeat(session, heartbeat));
                lastBeatNanos = System.nanoTime();
                boolean wasHeld;
                synchronized (this) {
                    wasHeld = held;
                }
                if (wasHeld) {
                    Set<String> placed = call(() -> shared.control().placements(session));
                    synchronized (this) {
                        if (stopped) {
                            return;
                        }
                        held = false;
                        for (SimJob job : jobs.values()) {
                            if (!placed.contains(job.container)) {
                                job.running = false; // no longer this PC's: held until the scheduler removes it
                            } else if (job.running) {
                                shared.ledger().running(job.jobId, copy(job));
                            }
                        }
                    }
                }
            } catch (ControlPlaneException e) {
                if (e.status() == 401 || e.status() == 404) {
                    enrol();
                }
            }
        }

        /** Work goes on at the PC's speed; a job done exits; a lapsed lease holds every job. */
        private void tick() {
            List<SimJob> finished = new ArrayList<>();
            synchronized (this) {
                if (stopped) {
                    return;
                }
                if (!held && System.nanoTime() - lastBeatNanos > shared.lease().toNanos()) {
                    held = true;
                    jobs.values().forEach(job -> shared.ledger().stopped(job.jobId, copy(job)));
                }
                if (held) {
                    return;
                }
                for (SimJob job : jobs.values()) {
                    if (job.running) {
                        job.done += speed * TICK_MILLIS / 1000.0;
                        if (job.done >= job.work) {
                            finished.add(job);
                        }
                    }
                }
                for (SimJob job : finished) {
                    jobs.remove(job.container);
                    shared.ledger().stopped(job.jobId, copy(job));
                }
            }
            for (SimJob job : finished) {
                outbox.add(event(job.createdBy, job.jobId, job.epoch, AgentEventType.EXITED, 0, job.done, null, null,
                        null, null, (System.nanoTime() - job.startedNanos) / 1_000_000));
            }
        }

        private void poll() {
            while (!stopped) {
                if (session == null || cut) {
                    if (!pause(500)) {
                        return;
                    }
                    continue;
                }
                try {
                    List<AgentCommand> commands = shared.control().poll(session, POLL);
                    if (cut) {
                        continue; // the answer is lost in the cut network
                    }
                    for (AgentCommand command : commands) {
                        if (handled.add(command.commandId())) {
                            if (command.createdAt() != null) {
                                shared.deliveries().delivered(command.createdAt(), Instant.now(),
                                        !command.createdAt().isBefore(calmSince));
                            }
                            inbox.add(command);
                        }
                    }
                } catch (ControlPlaneException e) {
                    if (e.status() == 401) {
                        enrol();
                    } else if (!pause(1000)) {
                        return;
                    }
                }
            }
        }

        private void send() {
            while (!stopped) {
                AgentEvent event;
                try {
                    event = outbox.takeFirst();
                } catch (InterruptedException e) {
                    return;
                }
                while (!stopped) {
                    try {
                        call(() -> shared.control().report(session, event));
                        break;
                    } catch (ControlPlaneException e) {
                        if (e.status() >= 400 && e.status() < 500 && e.status() != 401 && e.status() != 408
                                && e.status() != 429) {
                            shared.say().accept(name + ": event " + event.type() + " of " + event.jobId()
                                    + " refused for good: " + e.getMessage());
                            break; // set aside, as the agent does
                        }
                        if (!pause(1000)) {
                            return;
                        }
                    }
                }
            }
        }

        private void handle() {
            while (!stopped) {
                AgentCommand command;
                try {
                    command = inbox.takeFirst();
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    AgentEvent answer = carryOut(command);
                    if (answer != null) {
                        outbox.add(answer);
                    }
                } catch (RuntimeException e) {
                    outbox.add(failed(command, e.getMessage(), null));
                }
            }
        }

        private AgentEvent carryOut(AgentCommand c) {
            switch (c.type()) {
                case RUN -> {
                    if (jobs.containsKey(c.containerName())) {
                        return null;
                    }
                    start(new SimJob(c, work(c), 0));
                    return event(c.commandId(), c.jobId(), c.epoch(), AgentEventType.STARTED, null, null, null, null,
                            null, null, null);
                }
                case CHECKPOINT -> {
                    return checkpoint(c);
                }
                case RESTORE -> {
                    return restore(c);
                }
                case KILL, CLEANUP -> {
                    SimJob job;
                    synchronized (this) {
                        job = jobs.remove(c.containerName());
                        if (job != null) {
                            shared.ledger().stopped(job.jobId, copy(job));
                        }
                    }
                    return event(c.commandId(), c.jobId(), c.epoch(), AgentEventType.EXITED,
                            c.type() == AgentCommandType.KILL ? 137 : 0, null, null, null, null, null,
                            null);
                }
                case PREFETCH -> {
                    return event(c.commandId(), c.jobId(), c.epoch(), AgentEventType.ACCEPTED, null, null, null, null,
                            null, null, null);
                }
                default -> {
                    return failed(c, "unknown command " + c.type(), null);
                }
            }
        }

        private AgentEvent checkpoint(AgentCommand c) {
            SimJob job = jobs.get(c.containerName());
            if (job == null || !job.running) {
                return failed(c, "no running container " + c.containerName(), null);
            }
            double done;
            synchronized (this) {
                if (stopped) {
                    return null;
                }
                done = job.done;
                if (!c.leaveRunning()) {
                    job.running = false; // dumped: the copy stops here
                    shared.ledger().stopped(job.jobId, copy(job));
                }
            }
            byte[] archive = (job.jobId + " " + done + " " + job.work + "\n" + "x".repeat(4096))
                    .getBytes(StandardCharsets.US_ASCII);
            long t0 = System.nanoTime();
            try {
                BlobInfo stored = call(() -> shared.store().put(BlobKind.CHECKPOINTS, c.blobId(),
                        c.capabilityToken(), new ByteArrayInputStream(archive), archive.length));
                if (!c.leaveRunning()) {
                    dumps.put(c.blobId(), done);
                }
                return new AgentEvent(c.commandId(), c.jobId(), c.epoch(), AgentEventType.CHECKPOINTED, null, done,
                        c.blobId(), (long) archive.length, sha256(archive), 5L,
                        (System.nanoTime() - t0) / 1_000_000, null, null, null, null, null);
            } catch (ControlPlaneException e) {
                if (!c.leaveRunning()) {
                    synchronized (this) {
                        job.running = true; // the dump is kept: the job goes on where it was
                        if (!held && !stopped) {
                            shared.ledger().running(job.jobId, copy(job));
                        }
                    }
                }
                return failed(c, "upload failed: " + e.getMessage(), null);
            }
        }

        private AgentEvent restore(AgentCommand c) {
            if (jobs.containsKey(c.containerName())) {
                return null;
            }
            Double kept = dumps.get(c.blobId());
            double done;
            if (kept != null) {
                done = kept;
            } else {
                byte[] archive;
                try (InputStream in = call(() -> shared.store().get(BlobKind.CHECKPOINTS, c.blobId(),
                        c.capabilityToken()))) {
                    archive = in.readAllBytes();
                } catch (IOException | ControlPlaneException e) {
                    return failed(c, "download failed: " + e.getMessage(), null);
                }
                if (c.blobSha256() != null && !c.blobSha256().equals(sha256(archive))) {
                    return failed(c, "checkpoint " + c.blobId() + " damaged", c.blobId());
                }
                String head = new String(archive, StandardCharsets.US_ASCII).lines().findFirst().orElse("");
                done = Double.parseDouble(head.split(" ")[1]);
            }
            start(new SimJob(c, work(c), done));
            return event(c.commandId(), c.jobId(), c.epoch(), AgentEventType.RESTORED, null, null, null, 5L, 5L, null,
                    null);
        }

        private void start(SimJob job) {
            synchronized (this) {
                if (stopped) {
                    return; // the PC went down meanwhile
                }
                jobs.put(job.container, job);
                if (!held) {
                    shared.ledger().running(job.jobId, copy(job));
                }
            }
        }

        /** A call that fails at once while the PC is cut off. */
        private <T> T call(java.util.function.Supplier<T> call) {
            if (cut || stopped) {
                throw new ControlPlaneException(name + " is cut off", 0, "cut", null);
            }
            T answer = call.get();
            if (cut) {
                throw new ControlPlaneException(name + " is cut off", 0, "cut", null);
            }
            return answer;
        }

        private boolean pause(long millis) {
            try {
                Thread.sleep(millis);
                return !stopped;
            } catch (InterruptedException e) {
                return false;
            }
        }
    }

    private String copy(SimJob job) {
        return name + "/" + job.container;
    }

    /** The work a job asks for: its {@code --work N} argument, in seconds of a speed-1 PC. */
    static double work(AgentCommand command) {
        List<String> args = command.job() == null ? List.of() : command.job().command();
        int i = args.indexOf("--work");
        return i >= 0 && i + 1 < args.size() ? Double.parseDouble(args.get(i + 1)) : 60;
    }

    private static AgentEvent event(String commandId, String jobId, long epoch, AgentEventType type, Integer exitCode,
                                    Double cpuSeconds, String blobId, Long transferMillis, Long restoreMillis,
                                    String reason, Long runMillis) {
        return new AgentEvent(commandId, jobId, epoch, type, exitCode, cpuSeconds, blobId, null, null, null,
                transferMillis, restoreMillis, type == AgentEventType.STARTED || type == AgentEventType.RESTORED
                        ? 0L : null, null, reason, runMillis);
    }

    private static AgentEvent failed(AgentCommand c, String reason, String refusedBlob) {
        return event(c.commandId(), c.jobId(), c.epoch(), AgentEventType.FAILED, null, null, refusedBlob, null, null,
                reason == null ? "failed" : reason.length() > 2000 ? reason.substring(0, 2000) : reason, null);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
