package dev.upc.scheduler.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobLogChunk;
import dev.upc.protocol.JobLogLine;
import dev.upc.scheduler.service.Wakeups;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The SQL of job logs: where each placement's log stands, its lines in chunks, and which placements there were. */
@ApplicationScoped
public class LogStore {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final TypeReference<List<JobLogLine>> LINES = new TypeReference<>() { };
    /** What a line costs besides its text: its time stamp and stream, roughly. */
    private static final int LINE_OVERHEAD = 40;

    /** A chunk as stored. */
    public record StoredChunk(long seq, long epoch, long firstLine, List<JobLogLine> lines, Instant receivedAt) {
    }

    /** Where a placement's log stands. */
    public record EpochLog(long epoch, boolean complete, boolean capped) {
    }

    /** A placement of the job as the command outbox recorded it. */
    public record PlacementRow(long epoch, String workerId, boolean restored, Instant at) {
    }

    /** Whether the worker ran (or runs) the job's container of that epoch: only it may send the epoch's lines. */
    public Uni<Boolean> placedOn(SqlClient c, String jobId, long epoch, String workerId) {
        return c.preparedQuery("""
                        SELECT 1 FROM commands WHERE job_id = $1 AND epoch = $2 AND worker_id = $3
                           AND type IN ('RUN','RESTORE') LIMIT 1""")
                .execute(Tuple.of(jobId, epoch, workerId)).map(rows -> rows.size() > 0);
    }

    /**
     * Stores the lines of the chunk the placement does not have yet, up to {@code capBytes} for the placement, and
     * wakes the job's followers. Runs in the caller's transaction.
     */
    public Uni<JobLogAck> append(SqlConnection c, String workerId, JobLogChunk chunk, long capBytes, Instant now) {
        return c.preparedQuery("""
                        INSERT INTO job_logs (job_id, epoch, worker_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(chunk.jobId(), chunk.epoch(), workerId))
                .chain(() -> c.preparedQuery("""
                                SELECT next_line, bytes, capped FROM job_logs WHERE job_id = $1 AND epoch = $2
                                   FOR UPDATE""")
                        .execute(Tuple.of(chunk.jobId(), chunk.epoch())))
                .chain(rows -> {
                    Row row = rows.iterator().next();
                    long next = row.getLong("next_line");
                    long bytes = row.getLong("bytes");
                    if (row.getBoolean("capped")) {
                        return Uni.createFrom().item(new JobLogAck(next, false, "this placement's log reached its cap"
                                + " of " + capBytes + " bytes"));
                    }
                    long skip = Math.max(0, next - chunk.firstLine());
                    long first = chunk.firstLine() + skip;
                    List<JobLogLine> fresh = new ArrayList<>();
                    boolean capped = false;
                    for (int i = (int) Math.min(skip, chunk.lines().size()); i < chunk.lines().size(); i++) {
                        JobLogLine line = chunk.lines().get(i);
                        long cost = line.text().getBytes(StandardCharsets.UTF_8).length + LINE_OVERHEAD;
                        if (bytes + cost > capBytes) {
                            capped = true;
                            break;
                        }
                        bytes += cost;
                        fresh.add(line);
                    }
                    long newNext = fresh.isEmpty() ? Math.max(next, first) : first + fresh.size();
                    boolean done = chunk.complete() && !capped && first + fresh.size() >= chunk.firstLine()
                            + chunk.lines().size();
                    boolean finalCapped = capped;
                    long finalBytes = bytes;
                    Uni<Void> insert = fresh.isEmpty() ? Uni.createFrom().voidItem() : c.preparedQuery("""
                                    INSERT INTO job_log_chunks (job_id, epoch, first_line, lines, received_at)
                                    VALUES ($1, $2, $3, $4::text::jsonb, $5)""")
                            .execute(Tuple.of(chunk.jobId(), chunk.epoch(), first, write(fresh), time(now)))
                            .replaceWithVoid();
                    return insert.chain(() -> c.preparedQuery("""
                                            UPDATE job_logs SET next_line = $3, bytes = $4, complete = complete OR $5,
                                                   capped = $6 WHERE job_id = $1 AND epoch = $2""")
                                    .execute(Tuple.from(new Object[] {chunk.jobId(), chunk.epoch(), newNext, finalBytes,
                                            done || finalCapped, finalCapped})))
                            .chain(() -> c.preparedQuery("SELECT pg_notify($1, $2)")
                                    .execute(Tuple.of(Wakeups.Channel.LOGS.pgName(), chunk.jobId())))
                            .replaceWith(new JobLogAck(newNext, !finalCapped, finalCapped
                                    ? "this placement's log reached its cap of " + capBytes + " bytes" : null));
                });
    }

    /** The job's chunks after {@code afterSeq}, in the order they came. */
    public Uni<List<StoredChunk>> chunks(SqlClient c, String jobId, long afterSeq) {
        return c.preparedQuery("SELECT * FROM job_log_chunks WHERE job_id = $1 AND seq > $2 ORDER BY seq")
                .execute(Tuple.of(jobId, afterSeq)).map(rows -> {
                    List<StoredChunk> chunks = new ArrayList<>();
                    rows.forEach(row -> chunks.add(new StoredChunk(row.getLong("seq"), row.getLong("epoch"),
                            row.getLong("first_line"), read(row.getValue("lines")), instant(row, "received_at"))));
                    return chunks;
                });
    }

    public Uni<List<EpochLog>> epochs(SqlClient c, String jobId) {
        return c.preparedQuery("SELECT epoch, complete, capped FROM job_logs WHERE job_id = $1")
                .execute(Tuple.of(jobId)).map(rows -> {
                    List<EpochLog> epochs = new ArrayList<>();
                    rows.forEach(row -> epochs.add(new EpochLog(row.getLong("epoch"), row.getBoolean("complete"),
                            row.getBoolean("capped"))));
                    return epochs;
                });
    }

    /** The job's placements: one RUN or RESTORE per epoch, oldest first. */
    public Uni<List<PlacementRow>> placements(SqlClient c, String jobId) {
        return c.preparedQuery("""
                        SELECT epoch, worker_id, type, created_at FROM commands
                         WHERE job_id = $1 AND type IN ('RUN','RESTORE') ORDER BY epoch, seq""")
                .execute(Tuple.of(jobId)).map(rows -> {
                    List<PlacementRow> placements = new ArrayList<>();
                    rows.forEach(row -> placements.add(new PlacementRow(row.getLong("epoch"), row.getString("worker_id"),
                            "RESTORE".equals(row.getString("type")), instant(row, "created_at"))));
                    return placements;
                });
    }

    private static String write(List<JobLogLine> lines) {
        try {
            return JSON.writeValueAsString(lines);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<JobLogLine> read(Object value) {
        try {
            String json = value instanceof io.vertx.core.json.JsonArray array ? array.encode() : String.valueOf(value);
            return JSON.readValue(json, LINES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable log lines in the database", e);
        }
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
