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
import dev.upc.scheduler.planner.StaleContainers;
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
                   started_at = $26, finished_at = $27, cpu_base = $28, checkpoint_cpu_seconds = $29
             WHERE id = $1""";

    public Uni<Void> insert(SqlConnection c, Job job) {
        return c.preparedQuery("""
                        INSERT INTO jobs (id, name, spec, state, epoch, max_retries, submitted_by, submitted_at, updated_at)
                        VALUES ($1, $2, $3::text::jsonb, $4, 0, $5, $6, $7, $7)""")
                .execute(Tuple.from(new Object[] {job.id, job.name, write(job.spec), job.state.name(), job.maxRetries,
                        job.submittedBy, time(job.submittedAt)}))
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

    public Uni<List<Job>> list(SqlClient c, JobState state, int limit) {
        Uni<RowSet<Row>> rows = state == null
                ? c.preparedQuery("SELECT * FROM jobs ORDER BY submitted_at DESC, id LIMIT $1").execute(Tuple.of(limit))
                : c.preparedQuery("SELECT * FROM jobs WHERE state = $1 ORDER BY submitted_at DESC, id LIMIT $2")
                        .execute(Tuple.of(state.name(), limit));
        return rows.map(JobStore::toJobs);
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

    public Uni<Map<String, Long>> countByState(SqlClient c) {
        return c.query("SELECT state, count(*) FROM jobs GROUP BY state").execute().map(rows -> {
            Map<String, Long> counts = new java.util.HashMap<>();
            rows.forEach(row -> counts.put(row.getString(0), row.getLong(1)));
            return counts;
        });
    }

    public Uni<Void> update(SqlConnection c, Job j) {
        return c.preparedQuery(UPDATE).execute(Tuple.from(new Object[] {
                        j.id, j.state.name(), j.op == null ? null : j.op.name(), j.epoch, j.workerId, write(j.workerFacts),
                        j.targetWorkerId, write(j.targetFacts), j.migrationReason, time(j.migrationStartedAt),
                        write(j.migrationCheckpoint), j.prevWorkerId, j.prevEpoch, j.pendingBlobId, j.checkpointSeq,
                        j.checkpointBlobId, write(j.checkpointFacts), j.checkpointBytes, time(j.lastCheckpointAt),
                        j.retries, j.cpuSeconds, j.exitCode, j.reason, time(j.updatedAt), time(j.placedAt),
                        time(j.startedAt), time(j.finishedAt), j.cpuBase, j.checkpointCpuSeconds}))
                .replaceWithVoid();
    }

    public Uni<Void> event(SqlConnection c, String jobId, long epoch, JobEventType type, String workerId,
                           Map<String, Object> details, Instant at) {
        return c.preparedQuery("""
                        INSERT INTO job_events (job_id, type, at, epoch, worker_id, details)
                        VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)""")
                .execute(Tuple.from(new Object[] {jobId, type.name(), time(at), epoch, workerId, write(details)}))
                .replaceWithVoid();
    }

    public Uni<List<JobEvent>> events(SqlClient c, String jobId) {
        return c.preparedQuery("SELECT * FROM job_events WHERE job_id = $1 ORDER BY seq").execute(Tuple.of(jobId))
                .map(rows -> {
                    List<JobEvent> events = new ArrayList<>();
                    rows.forEach(row -> events.add(new JobEvent(row.getLong("seq"),
                            JobEventType.valueOf(row.getString("type")), instant(row, "at"), row.getLong("epoch"),
                            row.getString("worker_id"), read(json(row, "details"), MAP))));
                    return events;
                });
    }

    /** Queues a command and notifies the worker's long polls (on commit). Returns the stored command. */
    public Uni<StoredCommand> command(SqlConnection c, String workerId, Job job, long epoch, AgentCommandType type,
                                      CommandPayload payload, Instant now) {
        StoredCommand command = new StoredCommand(UUID.randomUUID().toString(), workerId, job.id, epoch, type, payload,
                now);
        return c.preparedQuery("""
                        INSERT INTO commands (id, worker_id, job_id, epoch, type, payload, created_at)
                        VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7)""")
                .execute(Tuple.from(new Object[] {command.id(), workerId, job.id, epoch, type.name(), write(payload),
                        time(now)}))
                .chain(() -> c.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, workerId)))
                .replaceWith(command);
    }

    public Uni<List<StoredCommand>> unacked(SqlClient c, String workerId) {
        return c.preparedQuery("SELECT * FROM commands WHERE worker_id = $1 AND acked_at IS NULL ORDER BY seq")
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

    public Uni<Void> checkpoint(SqlConnection c, Job job, String workerId, long epoch, String blobId, Long sizeBytes,
                                String sha256, HostFacts origin, boolean leaveRunning, Long checkpointMillis,
                                Long transferMillis, Instant now) {
        long seq = dev.upc.protocol.CheckpointId.parse(blobId).map(dev.upc.protocol.CheckpointId::sequence).orElse(0L);
        return c.preparedQuery("""
                        INSERT INTO checkpoints (blob_id, job_id, epoch, seq, worker_id, size_bytes, sha256, origin,
                                                 leave_running, checkpoint_millis, transfer_millis, taken_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9, $10, $11, $12)
                        ON CONFLICT (blob_id) DO NOTHING""")
                .execute(Tuple.from(new Object[] {blobId, job.id, epoch, seq, workerId, sizeBytes, sha256, write(origin),
                        leaveRunning, checkpointMillis, transferMillis, time(now)}))
                .replaceWithVoid();
    }

    /**
     * For each suspect container (worker, job, epoch, heartbeat time): whether its job exists, and whether a KILL or
     * CLEANUP of that container is unacknowledged or was acknowledged after {@code slack} before the heartbeat.
     */
    public Uni<Map<StaleContainers.Suspect, StaleContainers.Standing>> standings(
            SqlClient c, List<StaleContainers.Suspect> suspects, java.time.Duration slack) {
        if (suspects.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        int n = suspects.size();
        String[] workers = new String[n];
        String[] jobs = new String[n];
        Long[] epochs = new Long[n];
        OffsetDateTime[] since = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            StaleContainers.Suspect s = suspects.get(i);
            workers[i] = s.workerId();
            jobs[i] = s.jobId();
            epochs[i] = s.epoch();
            since[i] = time(s.reportedAt() == null ? Instant.EPOCH : s.reportedAt().minus(slack));
        }
        return c.preparedQuery("""
                        SELECT s.i, EXISTS (SELECT 1 FROM jobs j WHERE j.id = s.job_id) AS job_known,
                               EXISTS (SELECT 1 FROM commands c
                                        WHERE c.job_id = s.job_id AND c.worker_id = s.worker_id AND c.epoch = s.epoch
                                          AND c.type IN ('KILL','CLEANUP')
                                          AND (c.acked_at IS NULL OR c.acked_at > s.since)) AS fenced
                          FROM unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[])
                               WITH ORDINALITY AS s(worker_id, job_id, epoch, since, i)""")
                .execute(Tuple.of(workers, jobs, epochs, since))
                .map(rows -> {
                    Map<StaleContainers.Suspect, StaleContainers.Standing> standings = new java.util.HashMap<>();
                    rows.forEach(row -> standings.put(suspects.get(row.getLong("i").intValue() - 1),
                            new StaleContainers.Standing(row.getBoolean("job_known"), row.getBoolean("fenced"))));
                    return standings;
                });
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
        return c.query("TRUNCATE jobs, job_events, commands, agent_events, checkpoints").execute().replaceWithVoid();
    }

    private static List<Job> toJobs(RowSet<Row> rows) {
        List<Job> jobs = new ArrayList<>();
        rows.forEach(row -> jobs.add(toJob(row)));
        return jobs;
    }

    private static Job toJob(Row row) {
        Job j = new Job();
        j.id = row.getString("id");
        j.name = row.getString("name");
        j.spec = read(json(row, "spec"), JobSubmission.class);
        j.state = JobState.valueOf(row.getString("state"));
        String op = row.getString("op");
        j.op = op == null ? null : Job.Op.valueOf(op);
        j.epoch = row.getLong("epoch");
        j.workerId = row.getString("worker_id");
        j.workerFacts = read(json(row, "worker_facts"), HostFacts.class);
        j.targetWorkerId = row.getString("target_worker_id");
        j.targetFacts = read(json(row, "target_facts"), HostFacts.class);
        j.migrationReason = row.getString("migration_reason");
        j.migrationStartedAt = instant(row, "migration_started_at");
        j.migrationCheckpoint = read(json(row, "migration_checkpoint"), MAP);
        j.prevWorkerId = row.getString("prev_worker_id");
        j.prevEpoch = row.getLong("prev_epoch");
        j.pendingBlobId = row.getString("pending_blob_id");
        j.checkpointSeq = row.getLong("checkpoint_seq");
        j.checkpointBlobId = row.getString("checkpoint_blob_id");
        j.checkpointFacts = read(json(row, "checkpoint_facts"), HostFacts.class);
        j.checkpointBytes = row.getLong("checkpoint_bytes");
        j.lastCheckpointAt = instant(row, "last_checkpoint_at");
        j.retries = row.getInteger("retries");
        j.maxRetries = row.getInteger("max_retries");
        j.cpuSeconds = row.getDouble("cpu_seconds");
        j.cpuBase = row.getDouble("cpu_base");
        j.checkpointCpuSeconds = row.getDouble("checkpoint_cpu_seconds");
        j.exitCode = row.getInteger("exit_code");
        j.reason = row.getString("reason");
        j.submittedBy = row.getString("submitted_by");
        j.submittedAt = instant(row, "submitted_at");
        j.updatedAt = instant(row, "updated_at");
        j.placedAt = instant(row, "placed_at");
        j.startedAt = instant(row, "started_at");
        j.finishedAt = instant(row, "finished_at");
        return j;
    }

    private static StoredCommand toCommand(Row row) {
        return new StoredCommand(row.getString("id"), row.getString("worker_id"), row.getString("job_id"),
                row.getLong("epoch"), AgentCommandType.valueOf(row.getString("type")),
                read(json(row, "payload"), CommandPayload.class), instant(row, "created_at"));
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
