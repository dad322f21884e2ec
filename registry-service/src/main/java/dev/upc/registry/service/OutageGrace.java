package dev.upc.registry.service;

import dev.upc.servicehttp.DatabaseMigration;
import dev.upc.servicehttp.ReadinessProblems;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jboss.logging.Logger;

/**
 * When the registry last could not record heartbeats: the end of an outage of its database or of every replica, after
 * which PCs get their lost-after time again before any is given up ({@link Liveness#statusAt(Instant, Instant,
 * Instant)}). Without it, a registry back from two minutes down would find every PC silent past lost-after and the
 * scheduler would give every running job away at once; a lab's network or database hiccup is not a lost lab.
 *
 * <p>Every replica touches one row of the database every {@link #TICK}: a touch that finds the previous one older than
 * {@link #GAP} marks an outage that ends now. All replicas read the same row, so they agree on the grace. Until this
 * replica's first touch succeeds, it counts from its own start (it cannot know how long it was down).
 */
@Singleton
public class OutageGrace {

    private static final Logger LOG = Logger.getLogger(OutageGrace.class);
    static final Duration TICK = Duration.ofSeconds(5);
    /** Three rounds missed by every replica: nothing was recorded meanwhile. */
    static final Duration GAP = TICK.multipliedBy(3);

    /** The gap on the database's clock (tests move the registry's), the grace on the registry's (as last_seen). */
    private static final String TOUCH = """
            UPDATE registry_presence
               SET grace_from = CASE WHEN seen_at < now() - make_interval(secs => $1) THEN $2 ELSE grace_from END,
                   seen_at = now()
             WHERE id = 1
            RETURNING grace_from""";

    private final Pool pool;
    private final Clock clock;
    private final ReadinessProblems problems;
    private volatile Instant graceFrom;

    OutageGrace(Pool pool, Clock clock, ReadinessProblems problems) {
        this.pool = pool;
        this.clock = clock;
        this.problems = problems;
        this.graceFrom = clock.instant();
    }

    /** The end of the last outage, or null when there was none (a fresh database). */
    public Instant graceFrom() {
        return graceFrom;
    }

    @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> touch() {
        if (problems.has(DatabaseMigration.CHECK)) {
            return Uni.createFrom().voidItem(); // no table yet; DatabaseMigration says why
        }
        Instant now = clock.instant();
        return pool.preparedQuery(TOUCH).execute(Tuple.of((double) GAP.toSeconds(), utc(now)))
                .invoke(this::remember)
                .onFailure().invoke(e -> LOG.debugf("cannot touch registry_presence: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void remember(RowSet<Row> rows) {
        if (!rows.iterator().hasNext()) {
            return;
        }
        OffsetDateTime from = rows.iterator().next().getOffsetDateTime(0);
        Instant next = from == null ? null : from.toInstant();
        Instant previous = graceFrom;
        if (next != null && (previous == null || next.isAfter(previous.plus(GAP)))) {
            LOG.infof("heartbeats could not be recorded until %s (the database or every registry was down): PCs"
                    + " have their lost-after time from then before any is given up", next);
        }
        graceFrom = next;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
