package dev.upc.scheduler.learning;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The newest measured migrations, from the MIGRATED job events (all replicas write them; the planner reads). */
public final class MigrationHistory {

    /** Enough for every route of a lab to have a few recent moves, few enough to read each planning round. */
    public static final int DEPTH = 200;

    private MigrationHistory() {
    }

    /** Up to {@link #DEPTH} migrations, oldest first. */
    public static Uni<List<MigrationCostLearner.Measured>> recent(SqlClient c) {
        return c.preparedQuery("""
                        SELECT details->>'from' AS source, details->>'to' AS target,
                               (details->>'sizeBytes')::bigint AS size_bytes,
                               (details->>'downtimeMillis')::bigint AS downtime_millis
                        FROM job_events WHERE type = 'MIGRATED' ORDER BY seq DESC LIMIT $1""")
                .execute(Tuple.of(DEPTH))
                .map(rows -> {
                    List<MigrationCostLearner.Measured> history = new ArrayList<>();
                    for (Row row : rows) {
                        history.add(new MigrationCostLearner.Measured(row.getString("source"),
                                row.getString("target"), orZero(row.getLong("size_bytes")),
                                orZero(row.getLong("downtime_millis"))));
                    }
                    Collections.reverse(history);
                    return history;
                });
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
