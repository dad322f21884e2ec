package dev.upc.scheduler.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.scheduler.job.CommandPayload;
import dev.upc.scheduler.job.Job;
import dev.upc.scheduler.job.JobEffects;
import dev.upc.scheduler.job.JobOp;
import dev.upc.scheduler.job.JobRow;
import dev.upc.scheduler.job.StoredCommand;
import dev.upc.scheduler.policy.HostFacts;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The scheduler's SQL: jobs, their history, the command outbox and checkpoints. Every write takes the connection of
 * the caller's transaction, so a state change, its history entry, its commands and the NOTIFY that wakes the agents'
 * long polls commit together (PostgreSQL delivers a NOTIFY only on commit).
 */
@ApplicationScoped
public class JobStore {

    /** The newest periodic-checkpoint entries of a job's history that are kept (see {@link #event}). */
    public static final int KEPT_CHECKPOINT_EVENTS = 100;

    /** The channel the outbox notifies on; the payload is the worker id. */
    public static final String CHANNEL = "upc_commands";

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private static final String UPDATE = """
            UPDATE jobs SET state = $2, op = $3, epoch = $4, worker_id = $5, worker_facts = $6::text::jsonb,
                   target_worker_id = $7, target_facts = $8::text::jsonb, migration_reason = $9,
                   migration_started_at = $10, migration_checkpoint = $11::text::jsonb, prev_worker_id = $12,
                   prev_epoch = $13, pending_blob_id = $14, checkpoint_seq = $15, checkpoint_blob_id = $16,
                   checkpoint_facts = $17::text::jsonb, checkpoint_bytes = $18, last_checkpoint_at = $19, retries = $20,
                   cpu_seconds = $21, exit_code = $22, reason = $23, updated_at = $24, placed_at = $25,
                   started_at = $26, finished_at = $27, cpu_base = $28, checkpoint_cpu_seconds = $29,
                   output_blob_id = $30, waiting_reason = $31
             WHERE id = $1""";

    public Uni<Void> insert(SqlConnection c, Job job) {
        JobRow r = job.row();
        return c.preparedQuery("""
                        INSERT INTO jobs (id, name, spec, state, epoch, max_retries, submitted_by, submitted_at, updated_at)
                        VALUES ($1, $2, $3::text::jsonb, $4, 0, $5, $6, $7, $7)""")
                .execute(Tuple.from(new Object[] {r.id(), r.spec().name(), write(r.spec()), r.state().name(),
                        r.spec().maxRetries(), r.owner(), time(r.submittedAt())}))
                .replaceWithVoid();
    }

    /** The job, locked for the rest of the transaction; null if unknown. */
    public Uni<Job> lock(SqlConnection c, String jobId) {
        return c.preparedQuery("SELECT * FROM jobs WHERE id = $1 FOR UPDATE").execute(Tuple.of(jobId))
                .map(rows -> rows.size() == 0 ? null : toJob(rows.iterator().next()));
    }

    public Uni<Job> find(SqlClient c, String jobId) {
        return c.preparedQuery("SELECT * FROM jobs WHERE id = $1").execute(Tuple.of(jobId))
                .map(rows -> rows.size() == 0 ? null : toJob(rows.iterator().next()));
    }

    /**
     * Jobs newest first: of {@code owner} (null = everyone's), in {@code state} (null = any), after the position
     * {@code after} (null = from the newest), at most {@code limit}.
     */
    public Uni<List<Job>> list(SqlClient c, String owner, JobState state, JobCursor after, int limit) {
        return c.preparedQuery("""
                        SELECT * FROM jobs
                         WHERE ($1::text IS NULL OR submitted_by = $1) AND ($2::text IS NULL OR state = $2)
                           AND ($3::timestamptz IS NULL OR (submitted_at, id) < ($3, $4))
                         ORDER BY submitted_at DESC, id DESC LIMIT $5""")
                .execute(Tuple.from(new Object[] {owner, state == null ? null : state.name(),
                        after == null ? null : time(after.submittedAt()), after == null ? null : after.id(), limit}))
                .map(JobStore::toJobs);
    }

    /** Every job that is not finished: what the planner looks at. */
    public Uni<List<Job>> active(SqlClient c) {
        return c.query("SELECT * FROM jobs WHERE state NOT IN ('SUCCEEDED','FAILED','CANCELLED') ORDER BY submitted_at, id")
                .execute().map(JobStore::toJobs);
    }

    /** The unfinished jobs that run on the worker, move to it, or keep a stopped source container there. */
    public Uni<List<Job>> activeOn(SqlClient c, String workerId) {
        return c.preparedQuery("""
                        SELECT * FROM jobs WHERE state NOT IN ('SUCCEEDED','FAILED','CANCELLED')
                           AND (worker_id = $1 OR target_worker_id = $1 OR prev_worker_id = $1)""")
                .execute(Tuple.of(workerId)).map(JobStore::toJobs);
    }

    /**
     * How many jobs of {@code owner} are not finished, counted under a transaction-long advisory lock on the owner's
     * name, so that two submissions in flight cannot both see room for one more.
     */
    public Uni<Long> lockAndCountUnfinished(SqlConnection c, String owner) {
        return c.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('upc-user:' || $1))").execute(Tuple.of(owner))
                .chain(() -> c.preparedQuery("""
                        SELECT count(*) FROM jobs WHERE submitted_by = $1
                           AND state NOT IN ('SUCCEEDED','FAILED','CANCELLED')""").execute(Tuple.of(owner)))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Map<String, Long>> countByState(SqlClient c) {
        return c.query("SELECT state, count(*) FROM jobs GROUP BY state").execute().map(rows -> {
            Map<String, Long> counts = new java.util.HashMap<>();
            rows.forEach(row -> counts.put(row.getString(0), row.getLong(1)));
            return counts;
        });
    }

    public Uni<Void> update(SqlConnection c, Job job) {
        JobRow j = job.row();
        return c.preparedQuery(UPDATE).execute(Tuple.from(new Object[] {
                        j.id(), j.state().name(), j.op() == null ? null : j.op().name(), j.epoch(), j.workerId(),
                        write(j.workerFacts()), j.targetWorkerId(), write(j.targetFacts()), j.migrationReason(),
                        time(j.migrationStartedAt()), write(j.migrationCheckpoint()), j.keptWorkerId(), j.keptEpoch(),
                        j.pendingBlobId(), j.checkpointSeq(), j.checkpointBlobId(), write(j.checkpointFacts()),
                        j.checkpointBytes(), time(j.lastCheckpointAt()), j.retries(), j.cpuSeconds(), j.exitCode(),
                        j.reason(), time(j.updatedAt()), time(j.placedAt()), time(j.startedAt()), time(j.finishedAt()),
                        j.cpuBase(), j.checkpointCpuSeconds(), j.outputBlobId(), j.waitingReason()}))
                .replaceWithVoid();
    }

    /** Records why a queued job waits; only while it is still queued in the same epoch. */
    public Uni<Void> waitingReason(SqlClient c, String jobId, long epoch, String reason) {
        return c.preparedQuery("UPDATE jobs SET waiting_reason = $3 WHERE id = $1 AND epoch = $2 AND state = 'QUEUED'")
                .execute(Tuple.of(jobId, epoch, reason)).replaceWithVoid();
    }

    /**
     * Appends to the job's history. A job's periodic checkpoints are the one entry that recurs without bound (a week
     * of checkpoints every ten minutes is a thousand), so only the newest {@value #KEPT_CHECKPOINT_EVENTS}
     * CHECKPOINTED entries of a job are kept; every other kind is bounded by the job's retries and moves. The
     * checkpoints themselves are in their own table, pruned by their own rules.
     */
    public Uni<Void> event(SqlConnection c, String jobId, long epoch, JobEventType type, String workerId,
                           Map<String, Object> details, Instant at) {
        Uni<Void> inserted = c.preparedQuery("""
                        INSERT INTO job_events (job_id, type, at, epoch, worker_id, details)
                        VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)""")
                .execute(Tuple.from(new Object[] {jobId, type.name(), time(at), epoch, workerId, write(details)}))
                .replaceWithVoid();
        if (type != JobEventType.CHECKPOINTED) {
            return inserted;
        }
        return inserted.chain(() -> c.preparedQuery("""
                        DELETE FROM job_events WHERE job_id = $1 AND type = 'CHECKPOINTED' AND seq <= (
                          SELECT seq FROM job_events WHERE job_id = $1 AND type = 'CHECKPOINTED'
                          ORDER BY seq DESC OFFSET $2 LIMIT 1)""")
                .execute(Tuple.of(jobId, KEPT_CHECKPOINT_EVENTS)).replaceWithVoid());
    }

    /** The job's history after entry {@code afterSeq} (0 = from the start), oldest first, at most {@code limit}. */
    public Uni<List<JobEvent>> events(SqlClient c, String jobId, long afterSeq, int limit) {
        return c.preparedQuery("SELECT * FROM job_events WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
                .execute(Tuple.of(jobId, afterSeq, limit))
                .map(rows -> {
                    List<JobEvent> events = new ArrayList<>();
                    rows.forEach(row -> events.add(new JobEvent(row.getLong("seq"),
                            JobEventType.valueOf(row.getString("type")), instant(row, "at"), row.getLong("epoch"),
                            row.getString("worker_id"), read(json(row, "details"), MAP))));
                    return events;
                });
    }

    /** Queues a command and notifies the worker's long polls (on commit). Returns the stored command. */
    public Uni<StoredCommand> command(SqlConnection c, String workerId, String jobId, long epoch, AgentCommandType type,
                                      CommandPayload payload, Instant now) {
        StoredCommand command = new StoredCommand(UUID.randomUUID().toString(), workerId, jobId, epoch, type, payload,
                now, null); // a RESTORE's sha256 is read with the checkpoint's row when it is delivered
        return c.preparedQuery("""
                        INSERT INTO commands (id, worker_id, job_id, epoch, type, payload, created_at)
                        VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7)""")
                .execute(Tuple.from(new Object[] {command.id(), workerId, jobId, epoch, type.name(), write(payload),
                        time(now)}))
                .chain(() -> c.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, workerId)))
                .replaceWith(command);
    }

    /**
     * The worker's commands to deliver, oldest first. A PREFETCH is delivered only while its migration still waits
     * for the source's checkpoint (the job MIGRATE_CHECKPOINTs, in the epoch before the prefetch's, to this worker
     * and into this blob): after that it has nothing left to hide, and an agent that never answered it (gone, or
     * older) is not sent it forever, nor again with a later migration.
     */
    public Uni<List<StoredCommand>> unacked(SqlClient c, String workerId) {
        return c.preparedQuery("""
                        SELECT c.*, k.sha256 AS blob_sha256 FROM commands c
                          LEFT JOIN checkpoints k ON c.type = 'RESTORE' AND k.blob_id = c.payload->>'blobId'
                         WHERE c.worker_id = $1 AND c.acked_at IS NULL
                           AND (c.type <> 'PREFETCH' OR EXISTS (SELECT 1 FROM jobs j WHERE j.id = c.job_id
                                AND j.op = 'MIGRATE_CHECKPOINT' AND j.epoch = c.epoch - 1
                                AND j.target_worker_id = c.worker_id AND j.pending_blob_id = c.payload->>'blobId'))
                         ORDER BY c.seq""")
                .execute(Tuple.of(workerId)).map(rows -> {
                    List<StoredCommand> commands = new ArrayList<>();
                    rows.forEach(row -> commands.add(toCommand(row)));
                    return commands;
                });
    }

    public Uni<StoredCommand> lockCommand(SqlConnection c, String commandId) {
        return c.preparedQuery("SELECT * FROM commands WHERE id = $1 FOR UPDATE").execute(Tuple.of(commandId))
                .map(rows -> rows.size() == 0 ? null : toCommand(rows.iterator().next()));
    }

    public Uni<Void> ack(SqlConnection c, String commandId, Instant now) {
        return c.preparedQuery("UPDATE commands SET acked_at = $2 WHERE id = $1 AND acked_at IS NULL")
                .execute(Tuple.of(commandId, time(now))).replaceWithVoid();
    }

    /** Records an event; false if one of this command and type was recorded before (a duplicate). */
    public Uni<Boolean> recordAgentEvent(SqlConnection c, String commandId, String type, Object body, Instant now) {
        return c.preparedQuery("""
                        INSERT INTO agent_events (command_id, type, received_at, body) VALUES ($1, $2, $3, $4::text::jsonb)
                        ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(commandId, type, time(now), write(body)))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Void> checkpoint(SqlConnection c, String jobId, JobEffects.StoredCheckpoint k, Instant now) {
        long seq = dev.upc.protocol.CheckpointId.parse(k.blobId()).map(dev.upc.protocol.CheckpointId::sequence)
                .orElse(0L);
        return c.preparedQuery("""
                        INSERT INTO checkpoints (blob_id, job_id, epoch, seq, worker_id, size_bytes, sha256, origin,
                                                 leave_running, checkpoint_millis, transfer_millis, taken_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9, $10, $11, $12)
                        ON CONFLICT (blob_id) DO NOTHING""")
                .execute(Tuple.from(new Object[] {k.blobId(), jobId, k.epoch(), seq, k.workerId(), k.sizeBytes(),
                        k.sha256(), write(k.origin()), k.leaveRunning(), k.checkpointMillis(), k.transferMillis(),
                        time(now)}))
                .replaceWithVoid();
    }

    /** The job's checkpoints still in the store (as far as the scheduler knows). */
    public Uni<List<CheckpointPruning.Stored>> storedCheckpoints(SqlClient c, String jobId) {
        return c.preparedQuery("SELECT blob_id, seq FROM checkpoints WHERE job_id = $1 AND deleted_at IS NULL")
                .execute(Tuple.of(jobId)).map(rows -> {
                    List<CheckpointPruning.Stored> stored = new ArrayList<>();
                    rows.forEach(row -> stored.add(new CheckpointPruning.Stored(row.getString("blob_id"),
                            row.getLong("seq"))));
                    return stored;
                });
    }

    public Uni<Void> checkpointDeleted(SqlClient c, String blobId, Instant now) {
        return c.preparedQuery("UPDATE checkpoints SET deleted_at = $2 WHERE blob_id = $1 AND deleted_at IS NULL")
                .execute(Tuple.of(blobId, time(now))).replaceWithVoid();
    }

    /** Removes every row: tests start from an empty database. */
    public Uni<Void> deleteAll(SqlClient c) {
        return c.query("TRUNCATE jobs, job_events, commands, agent_events, checkpoints, job_logs, job_log_chunks, images").execute().replaceWithVoid();
    }

    private static List<Job> toJobs(RowSet<Row> rows) {
        List<Job> jobs = new ArrayList<>();
        rows.forEach(row -> jobs.add(toJob(row)));
        return jobs;
    }

    private static Job toJob(Row row) {
        String op = row.getString("op");
        Double checkpointCpu = row.getDouble("checkpoint_cpu_seconds");
        Double cpuBase = row.getDouble("cpu_base");
        return Job.fromRow(new JobRow(row.getString("id"), read(json(row, "spec"), JobSubmission.class),
                row.getString("submitted_by"), instant(row, "submitted_at"), JobState.valueOf(row.getString("state")),
                op == null ? null : JobOp.valueOf(op), row.getLong("epoch"), row.getString("worker_id"),
                read(json(row, "worker_facts"), HostFacts.class), instant(row, "placed_at"),
                row.getString("target_worker_id"), read(json(row, "target_facts"), HostFacts.class),
                row.getString("migration_reason"), instant(row, "migration_started_at"),
                read(json(row, "migration_checkpoint"), MAP), row.getString("prev_worker_id"), row.getLong("prev_epoch"),
                row.getLong("checkpoint_seq"), row.getString("pending_blob_id"), row.getString("checkpoint_blob_id"),
                read(json(row, "checkpoint_facts"), HostFacts.class), row.getLong("checkpoint_bytes"),
                instant(row, "last_checkpoint_at"), checkpointCpu == null ? 0 : checkpointCpu,
                row.getDouble("cpu_seconds"), cpuBase == null ? 0 : cpuBase, row.getInteger("retries"),
                row.getInteger("exit_code"), row.getString("reason"), row.getString("output_blob_id"),
                row.getString("waiting_reason"), instant(row, "updated_at"), instant(row, "started_at"),
                instant(row, "finished_at")));
    }

    private static StoredCommand toCommand(Row row) {
        return new StoredCommand(row.getString("id"), row.getString("worker_id"), row.getString("job_id"),
                row.getLong("epoch"), AgentCommandType.valueOf(row.getString("type")),
                read(json(row, "payload"), CommandPayload.class), instant(row, "created_at"),
                row.getColumnIndex("blob_sha256") >= 0 ? row.getString("blob_sha256") : null);
    }

    private static String json(Row row, String column) {
        Object value = row.getValue(column);
        if (value == null) {
            return null;
        }
        if (value instanceof io.vertx.core.json.JsonObject object) {
            return object.encode();
        }
        if (value instanceof io.vertx.core.json.JsonArray array) {
            return array.encode();
        }
        return value.toString();
    }

    static String write(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " in the database", e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable JSON in the database", e);
        }
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
