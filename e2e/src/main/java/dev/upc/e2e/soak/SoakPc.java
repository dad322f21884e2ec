package dev.upc.e2e.soak;

import dev.upc.agent.control.ControlPlane;
import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.StoreClient;
import dev.upc.agent.control.WorkerSession;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerRegistered;
import dev.upc.protocol.WorkerRegistration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A PC of the soak at the protocol level: it enrols with the join token (and then its own credential), heartbeats to
 * the registry, long-polls the scheduler for commands, reports events, and stores and fetches real checkpoint blobs,
 * all through the agent's own control-plane client; its jobs are {@link SimulatedJobs}. Like the agent it holds its
 * jobs when its lease lapses and, back in touch, asks the scheduler which are still its own. A crash loses everything
 * but its credential; a cut fails every call.
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

    /** One boot of the PC: its session, threads and jobs. */
    private final class Life implements SimulatedJobs.Calls {
        private final SimulatedJobs jobs = new SimulatedJobs(name, speed, shared.ledger(), shared.store(), this);
        private final Set<String> handled = ConcurrentHashMap.newKeySet();
        private final LinkedBlockingDeque<AgentEvent> outbox = new LinkedBlockingDeque<>();
        private final LinkedBlockingDeque<AgentCommand> inbox = new LinkedBlockingDeque<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean stopped;
        private volatile WorkerSession session;
        private volatile long lastBeatNanos = System.nanoTime();

        void start() {
            threads.add(thread("run", this::run));
            threads.add(thread("poll", this::poll));
            threads.add(thread("events", this::send));
            threads.add(thread("commands", this::handle));
            threads.forEach(Thread::start);
        }

        void stop() {
            stopped = true;
            jobs.powerLost();
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

        /** Enrols, then beats and ticks the jobs until the PC goes down; a lapsed lease holds every job. */
        private void run() {
            enrol();
            long nextBeat = 0;
            while (!stopped) {
                long now = System.nanoTime();
                if (now >= nextBeat) {
                    beat();
                    nextBeat = now + shared.heartbeat().toNanos();
                }
                if (System.nanoTime() - lastBeatNanos > shared.lease().toNanos()) {
                    jobs.hold();
                }
                outbox.addAll(jobs.tick(TICK_MILLIS));
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

        /** A heartbeat; after a hold, the scheduler's placements say which jobs run on. */
        private void beat() {
            int busy = jobs.busy();
            Heartbeat heartbeat = new Heartbeat(OwnerState.IDLE, false,
                    (double) Math.max(0, registration.jobCpus() - busy), 8_192L - 64L * busy, (double) busy,
                    jobs.reports());
            try {
                call(() -> shared.control().heartbeat(session, heartbeat));
                lastBeatNanos = System.nanoTime();
                if (jobs.held()) {
                    jobs.placed(call(() -> shared.control().placements(session)));
                }
            } catch (ControlPlaneException e) {
                if (e.status() == 401 || e.status() == 404) {
                    enrol();
                }
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

        /** Reports events in order, each until taken; one refused for good is set aside, as the agent does. */
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
                            break;
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
                    AgentEvent answer = jobs.carryOut(command);
                    if (answer != null) {
                        outbox.add(answer);
                    }
                } catch (RuntimeException e) {
                    outbox.add(SimulatedJobs.failed(command, e.getMessage(), null));
                }
            }
        }

        /** A call that fails at once while the PC is cut off or down, and whose answer a cut loses. */
        @Override
        public <T> T call(Supplier<T> call) {
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
}
