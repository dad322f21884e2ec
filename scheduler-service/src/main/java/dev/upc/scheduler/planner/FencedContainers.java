package dev.upc.scheduler.planner;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the database knows about suspect containers ({@link StaleContainers}): one query per planning round. */
final class FencedContainers {

    private FencedContainers() {
    }

    /**
     * For each suspect container (worker, job, epoch, heartbeat time): whether its job exists, and whether a KILL or
     * CLEANUP of that container is unacknowledged or was acknowledged after {@code slack} before the heartbeat.
     */
    static Uni<Map<StaleContainers.Suspect, StaleContainers.Standing>> standings(
            SqlClient c, List<StaleContainers.Suspect> suspects, Duration slack) {
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
            Instant reported = s.reportedAt() == null ? Instant.EPOCH : s.reportedAt().minus(slack);
            since[i] = OffsetDateTime.ofInstant(reported, ZoneOffset.UTC);
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
                    Map<StaleContainers.Suspect, StaleContainers.Standing> standings = new HashMap<>();
                    rows.forEach(row -> standings.put(suspects.get(row.getLong("i").intValue() - 1),
                            new StaleContainers.Standing(row.getBoolean("job_known"), row.getBoolean("fenced"))));
                    return standings;
                });
    }
}
