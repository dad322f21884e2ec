package dev.upc.scheduler.job;

import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventType;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobSubmission;
import dev.upc.scheduler.policy.HostFacts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link JobEffects} that only remember what a transition did, for unit tests of {@link Job} without a database. */
public final class RecordingEffects implements JobEffects {

    public static final HostFacts X86 = new HostFacts("amd64", Set.of("sse2"), "runc", "4.1.1");

    public record Sent(String workerId, long epoch, AgentCommandType type, CommandPayload payload) {
    }

    public record Noted(JobEventType type, String workerId, Map<String, Object> details) {
    }

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    public final List<Sent> commands = new ArrayList<>();
    public final List<Noted> events = new ArrayList<>();
    public final List<StoredCheckpoint> checkpoints = new ArrayList<>();
    private int commandIds;

    @Override
    public Instant now() {
        return now;
    }

    public RecordingEffects advance(Duration duration) {
        now = now.plus(duration);
        return this;
    }

    @Override
    public void created(Job job) {
    }

    @Override
    public void command(Job job, String workerId, long epoch, AgentCommandType type, CommandPayload payload) {
        commands.add(new Sent(workerId, epoch, type, payload));
    }

    @Override
    public void event(Job job, JobEventType type, String workerId, Object... details) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < details.length; i += 2) {
            if (details[i + 1] != null) {
                map.put((String) details[i], details[i + 1]);
            }
        }
        events.add(new Noted(type, workerId, map));
    }

    @Override
    public void checkpointStored(Job job, StoredCheckpoint checkpoint) {
        checkpoints.add(checkpoint);
    }

    public Sent lastCommand() {
        return commands.get(commands.size() - 1);
    }

    public Noted lastEvent() {
        return events.get(events.size() - 1);
    }

    /** The command as the outbox would store it. */
    public StoredCommand stored(Job job, Sent sent) {
        return new StoredCommand("c" + (++commandIds), sent.workerId(), job.id(), sent.epoch(), sent.type(),
                sent.payload(), now, null);
    }

    /** An agent's event answering {@code sent}. */
    public static AgentEvent answer(Job job, StoredCommand command, AgentEventType type) {
        return new AgentEvent(command.id(), job.id(), command.epoch(), type, type == AgentEventType.EXITED ? 0 : null,
                1.0, type == AgentEventType.CHECKPOINTED ? command.payload().blobId() : null,
                type == AgentEventType.CHECKPOINTED ? 1000L : null, null, null, null, null, null, null, null, null);
    }

    // ---- jobs in a given state, reached through their transitions --------------------------------------------------

    public static JobSubmission spec(String name) {
        return new JobSubmission(name, "localhost/upc/count:1", List.of("/count"), Map.of(), 1, 64L, 100.0, 0L, true,
                2, null, null);
    }

    public Job submitted(String id) {
        return Job.submit(this, id, spec(id), "alice");
    }

    /** RUNNING on {@code worker} in epoch 1. */
    public Job running(String id, String worker) {
        Job job = submitted(id);
        job.place(this, worker, X86, false);
        job.onEvent(this, stored(job, lastCommand()), answer(job, stored(job, lastCommand()), AgentEventType.STARTED));
        return job;
    }

    /** Migrating from {@code from} (epoch 1, kept stopped) to {@code to} (epoch 2, RESTORE in flight). */
    public Job restoring(String id, String from, String to) {
        Job job = running(id, from);
        job.startMigration(this, to, X86, "MANUAL");
        StoredCommand checkpoint = stored(job, lastCommand());
        job.onEvent(this, checkpoint, answer(job, checkpoint, AgentEventType.CHECKPOINTED));
        return job;
    }
}
