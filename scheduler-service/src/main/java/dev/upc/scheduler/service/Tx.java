package dev.upc.scheduler.service;

import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.JobEventType;
import dev.upc.scheduler.job.CommandPayload;
import dev.upc.scheduler.job.Job;
import dev.upc.scheduler.job.JobEffects;
import dev.upc.scheduler.job.StoredCommand;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The writes of one transaction: a {@link Job}'s transitions queue their commands, history and checkpoints here
 * ({@link JobEffects}), then {@link #run()} executes them in order on the transaction's connection. Values are
 * captured when a write is queued, so a job changed after queuing an event still records the epoch it had then.
 */
public final class Tx implements JobEffects {

    /** A history entry this transaction recorded. */
    public record Recorded(String jobId, JobEventType type, Map<String, Object> details) {
    }

    private final SqlConnection connection;
    private final JobStore store;
    private final Instant now;
    private final List<Supplier<Uni<?>>> writes = new ArrayList<>();
    private final List<StoredCommand> commands = new ArrayList<>();
    private final List<Recorded> events = new ArrayList<>();

    public Tx(SqlConnection connection, JobStore store, Instant now) {
        this.connection = connection;
        this.store = store;
        this.now = now;
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public void event(Job job, JobEventType type, String workerId, Object... keyValues) {
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                details.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        String jobId = job.id();
        long epoch = job.epoch();
        events.add(new Recorded(jobId, type, details));
        writes.add(() -> store.event(connection, jobId, epoch, type, workerId, details, now));
    }

    @Override
    public void command(Job job, String workerId, long epoch, AgentCommandType type, CommandPayload payload) {
        String jobId = job.id();
        writes.add(() -> store.command(connection, workerId, jobId, epoch, type, payload, now).invoke(commands::add));
    }

    @Override
    public void checkpointStored(Job job, StoredCheckpoint checkpoint) {
        String jobId = job.id();
        writes.add(() -> store.checkpoint(connection, jobId, checkpoint, now));
    }

    public void ack(String commandId) {
        writes.add(() -> store.ack(connection, commandId, now));
    }

    @Override
    public void created(Job job) {
        writes.add(() -> store.insert(connection, job));
    }

    /** Writes the job back; queue it last, after the transition's other writes. */
    public void save(Job job) {
        writes.add(() -> store.update(connection, job));
    }

    /** The commands queued so far (complete once {@link #run()} has finished). */
    public List<StoredCommand> commands() {
        return Collections.unmodifiableList(commands);
    }

    /** The history entries recorded so far. */
    public List<Recorded> events() {
        return Collections.unmodifiableList(events);
    }

    public Uni<Void> run() {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Supplier<Uni<?>> write : writes) {
            chain = chain.chain(() -> write.get().replaceWithVoid());
        }
        writes.clear();
        return chain;
    }
}
