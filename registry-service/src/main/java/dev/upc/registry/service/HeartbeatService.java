package dev.upc.registry.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.HeartbeatReply;
import dev.upc.registry.config.RegistryConfig;
import dev.upc.registry.metrics.RegistryMetrics;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The hot path: thousands of heartbeats a second. Each is one prepared UPDATE on the reactive pool (no ORM
 * session, no history row): last_seen and the latest report are overwritten, the desired state comes back.
 *
 * <p>The UPDATE commits without waiting for its WAL flush ({@code synchronous_commit = off} for its own
 * transaction only, the function form of {@code SET LOCAL}): a heartbeat lost to a database crash is harmless, the
 * next one comes within the interval. Registration and admin writes keep the server's synchronous commit. Setting it
 * in a CTE of the same statement keeps the heartbeat one round trip.
 */
@ApplicationScoped
public class HeartbeatService {

    private static final String RECORD = """
            WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
            UPDATE workers
               SET last_seen = $1, owner_state = $2, latest_report = $3::text::jsonb, heartbeat_count = heartbeat_count + 1
              FROM async_commit
             WHERE id = $4
            RETURNING desired_state""";

    private final Pool pool;
    private final Clock clock;
    private final ObjectMapper json;
    private final RegistryMetrics metrics;
    private final long intervalSeconds;

    HeartbeatService(Pool pool, Clock clock, ObjectMapper json, RegistryMetrics metrics, RegistryConfig config) {
        this.pool = pool;
        this.clock = clock;
        this.json = json;
        this.metrics = metrics;
        this.intervalSeconds = config.heartbeatInterval().toSeconds();
    }

    public Uni<HeartbeatReply> record(String workerId, Heartbeat heartbeat) {
        String report;
        try {
            report = json.writeValueAsString(heartbeat);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException(e));
        }
        var seenAt = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        var timing = metrics.heartbeatStarted();
        return pool.preparedQuery(RECORD)
                .execute(Tuple.of(seenAt, heartbeat.ownerState().name(), report, workerId))
                .map(rows -> {
                    RowIterator<Row> iterator = rows.iterator();
                    if (!iterator.hasNext()) {
                        throw new WorkerNotFoundException(workerId);
                    }
                    return new HeartbeatReply(DesiredState.valueOf(iterator.next().getString(0)), intervalSeconds);
                })
                .onItemOrFailure().invoke((reply, failure) -> metrics.heartbeatFinished(timing, failure));
    }
}
