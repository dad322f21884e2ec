package dev.upc.e2e.soak;

import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.StoreClient;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventType;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ContainerReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The jobs of one boot of a soak PC, as its agent would run them: simulated work at the PC's speed, checkpoints as real
 * blobs in the store holding how far a job got, restores from the store (or from the dump the PC kept, for a
 * rollback). Every copy that starts or stops running is told to the {@link CopyLedger}. While held (a lapsed lease) no
 * job runs; back in touch, the scheduler's placements say which run on.
 */
final class SimulatedJobs {

    /** A call to the control plane or the store, failing while the PC is cut off or down. */
    interface Calls {
        <T> T call(Supplier<T> call);
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

    private final String pc;
    private final double speed;
    private final CopyLedger ledger;
    private final StoreClient store;
    private final Calls calls;
    private final Map<String, SimJob> jobs = new HashMap<>();
    private final Map<String, Double> dumps = new HashMap<>();
    private boolean held;
    private boolean gone;

    SimulatedJobs(String pc, double speed, CopyLedger ledger, StoreClient store, Calls calls) {
        this.pc = pc;
        this.speed = speed;
        this.ledger = ledger;
        this.store = store;
        this.calls = calls;
    }

    /** The PC lost its power: every job dies with it. */
    synchronized void powerLost() {
        gone = true;
        jobs.values().forEach(job -> ledger.stopped(job.jobId, copy(job)));
    }

    /** What the heartbeat lists. */
    synchronized List<ContainerReport> reports() {
        List<ContainerReport> reports = new ArrayList<>();
        jobs.values().forEach(job -> reports.add(new ContainerReport(job.jobId, job.epoch,
                job.running && !held ? "running" : "paused", job.done, 64L)));
        return reports;
    }

    synchronized int busy() {
        return (int) jobs.values().stream().filter(job -> job.running).count();
    }

    /** The lease lapsed: no job runs until {@link #placed}. */
    synchronized void hold() {
        if (!held && !gone) {
            held = true;
            jobs.values().forEach(job -> ledger.stopped(job.jobId, copy(job)));
        }
    }

    synchronized boolean held() {
        return held;
    }

    /** Back in touch after a hold: the scheduler places {@code containers} here; the others stay held until killed. */
    synchronized void placed(Set<String> containers) {
        if (gone) {
            return;
        }
        held = false;
        for (SimJob job : jobs.values()) {
            if (!containers.contains(job.container)) {
                job.running = false;
            } else if (job.running) {
                ledger.running(job.jobId, copy(job));
            }
        }
    }

    /** Work goes on for {@code millis} at the PC's speed; returns the EXITED events of the jobs that finished. */
    List<AgentEvent> tick(long millis) {
        List<SimJob> finished = new ArrayList<>();
        synchronized (this) {
            if (held || gone) {
                return List.of();
            }
            for (SimJob job : jobs.values()) {
                if (job.running) {
                    job.done += speed * millis / 1000.0;
                    if (job.done >= job.work) {
                        finished.add(job);
                    }
                }
            }
            for (SimJob job : finished) {
                jobs.remove(job.container);
                ledger.stopped(job.jobId, copy(job));
            }
        }
        return finished.stream().map(job -> event(job.createdBy, job.jobId, job.epoch, AgentEventType.EXITED, 0,
                job.done, null, null, null, null, (System.nanoTime() - job.startedNanos) / 1_000_000)).toList();
    }

    /** Carries out a command; the event that answers it, or null for a repeated one. */
    AgentEvent carryOut(AgentCommand c) {
        switch (c.type()) {
            case RUN -> {
                return start(new SimJob(c, work(c), 0)) ? event(c, AgentEventType.STARTED) : null;
            }
            case CHECKPOINT -> {
                return checkpoint(c);
            }
            case RESTORE -> {
                return restore(c);
            }
            case KILL, CLEANUP -> {
                synchronized (this) {
                    SimJob job = jobs.remove(c.containerName());
                    if (job != null) {
                        ledger.stopped(job.jobId, copy(job));
                    }
                }
                return event(c.commandId(), c.jobId(), c.epoch(), AgentEventType.EXITED,
                        c.type() == AgentCommandType.KILL ? 137 : 0, null, null, null, null, null, null);
            }
            case PREFETCH -> {
                return event(c, AgentEventType.ACCEPTED);
            }
            default -> {
                return failed(c, "unknown command " + c.type(), null);
            }
        }
    }

    private AgentEvent checkpoint(AgentCommand c) {
        SimJob job;
        double done;
        synchronized (this) {
            job = jobs.get(c.containerName());
            if (job == null || !job.running || gone) {
                return failed(c, "no running container " + c.containerName(), null);
            }
            done = job.done;
            if (!c.leaveRunning()) {
                job.running = false; // dumped: the copy stops here
                ledger.stopped(job.jobId, copy(job));
            }
        }
        byte[] archive = (job.jobId + " " + done + " " + job.work + "\n" + "x".repeat(4096))
                .getBytes(StandardCharsets.US_ASCII);
        long t0 = System.nanoTime();
        try {
            calls.call(() -> store.put(BlobKind.CHECKPOINTS, c.blobId(), c.capabilityToken(),
                    new ByteArrayInputStream(archive), archive.length));
        } catch (ControlPlaneException e) {
            if (!c.leaveRunning()) {
                synchronized (this) {
                    job.running = true; // the dump is kept: the job goes on where it was
                    if (!held && !gone) {
                        ledger.running(job.jobId, copy(job));
                    }
                }
            }
            return failed(c, "upload failed: " + e.getMessage(), null);
        }
        if (!c.leaveRunning()) {
            synchronized (this) {
                dumps.put(c.blobId(), done);
            }
        }
        return new AgentEvent(c.commandId(), c.jobId(), c.epoch(), AgentEventType.CHECKPOINTED, null, done,
                c.blobId(), (long) archive.length, sha256(archive), 5L, (System.nanoTime() - t0) / 1_000_000, null,
                null, null, null, null);
    }

    private AgentEvent restore(AgentCommand c) {
        Double kept;
        synchronized (this) {
            if (jobs.containsKey(c.containerName())) {
                return null;
            }
            kept = dumps.get(c.blobId());
        }
        double done;
        if (kept != null) {
            done = kept;
        } else {
            byte[] archive;
            try (InputStream in = calls.call(() -> store.get(BlobKind.CHECKPOINTS, c.blobId(),
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
        return start(new SimJob(c, work(c), done)) ? event(c.commandId(), c.jobId(), c.epoch(),
                AgentEventType.RESTORED, null, null, null, 5L, 5L, null, null) : null;
    }

    /** A copy starts here; false when it is here already or the PC went down meanwhile. */
    private synchronized boolean start(SimJob job) {
        if (gone || jobs.containsKey(job.container)) {
            return false;
        }
        jobs.put(job.container, job);
        if (!held) {
            ledger.running(job.jobId, copy(job));
        }
        return true;
    }

    private String copy(SimJob job) {
        return pc + "/" + job.container;
    }

    /** The work a job asks for: its {@code --work N} argument, in seconds of a speed-1 PC. */
    static double work(AgentCommand command) {
        List<String> args = command.job() == null ? List.of() : command.job().command();
        int i = args.indexOf("--work");
        return i >= 0 && i + 1 < args.size() ? Double.parseDouble(args.get(i + 1)) : 60;
    }

    private static AgentEvent event(AgentCommand c, AgentEventType type) {
        return event(c.commandId(), c.jobId(), c.epoch(), type, null, null, null, null, null, null, null);
    }

    private static AgentEvent event(String commandId, String jobId, long epoch, AgentEventType type, Integer exitCode,
                                    Double cpuSeconds, String blobId, Long transferMillis, Long restoreMillis,
                                    String reason, Long runMillis) {
        return new AgentEvent(commandId, jobId, epoch, type, exitCode, cpuSeconds, blobId, null, null, null,
                transferMillis, restoreMillis, type == AgentEventType.STARTED || type == AgentEventType.RESTORED
                        ? 0L : null, null, reason, runMillis);
    }

    static AgentEvent failed(AgentCommand c, String reason, String refusedBlob) {
        String why = reason == null ? "failed" : reason.length() > 2000 ? reason.substring(0, 2000) : reason;
        return event(c.commandId(), c.jobId(), c.epoch(), AgentEventType.FAILED, null, null, refusedBlob, null, null,
                why, null);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
