package dev.upc.scheduler.service;

import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.JobEventType;
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
 * The writes of one state transition, decided synchronously by {@link Orchestrator} and then executed in order on
 * the transaction's connection by {@link #run()}. Values are captured when a write is queued, so a job changed after
 * queuing an event still records the epoch it had then.
 */
public final class Tx {

    private final SqlConnection connection;
    private final JobStore store;
    private final Instant now;
    private final List<Supplier<Uni<?>>> writes = new ArrayList<>();
    private final List<StoredCommand> commands = new ArrayList<>();

    public Tx(SqlConnection connection, JobStore store, Instant now) {
        this.connection = connection;
        this.store = store;
        this.now = now;
    }

    public Instant now() {
        return now;
    }

    public JobStore store() {
        return store;
    }

    public SqlConnection connection() {
        return connection;
    }

    public void event(Job job, JobEventType type, String workerId, Object... keyValues) {
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                details.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        String jobId = job.id;
        long epoch = job.epoch;
        writes.add(() -> store.event(connection, jobId, epoch, type, workerId, details, now));
    }

    public void command(String workerId, Job job, long epoch, AgentCommandType type, CommandPayload payload) {
        writes.add(() -> store.command(connection, workerId, job, epoch, type, payload, now).invoke(commands::add));
    }

    public void ack(String commandId) {
        writes.add(() -> store.ack(connection, commandId, now));
    }

    public void write(Supplier<Uni<?>> write) {
        writes.add(write);
    }

    /** Writes the job back; queue it last, after the transition's other writes. */
    public void save(Job job) {
        job.updatedAt = now;
        writes.add(() -> store.update(connection, job));
    }

    /** The commands queued so far (complete once {@link #run()} has finished). */
    public List<StoredCommand> commands() {
        return Collections.unmodifiableList(commands);
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
