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

    /**
     * The gap on the database's clock (tests move the registry's), the outage's bounds on the registry's (as
     * last_seen): from the last touch before it (the registry's time then is not known: that touch's time, on the
     * database's clock less the gap's own, is near enough) to now.
     */
    private static final String TOUCH = """
            UPDATE registry_presence AS p
               SET grace_from = CASE WHEN old.seen_at < now() - make_interval(secs => $1) THEN $2 ELSE p.grace_from END,
                   outage_from = CASE WHEN old.seen_at < now() - make_interval(secs => $1)
                                      THEN $2 - (now() - greatest(old.seen_at, now() - interval '1 day'))
                                      ELSE p.outage_from END,
                   seen_at = now()
              FROM registry_presence AS old
             WHERE p.id = 1 AND old.id = 1
            RETURNING p.outage_from, p.grace_from""";

    private final Pool pool;
    private final Clock clock;
    private final ReadinessProblems problems;
    private volatile Liveness.Outage outage;

    OutageGrace(Pool pool, Clock clock, ReadinessProblems problems) {
        this.pool = pool;
        this.clock = clock;
        this.problems = problems;
        // Until the first touch it cannot know how long it was down, nor which PCs were gone before: every PC gets
        // the grace (the first touch, within seconds, narrows it to those alive when the outage began).
        this.outage = new Liveness.Outage(Instant.EPOCH, clock.instant());
    }

    /** The last outage, or null when there was none. */
    public Liveness.Outage outage() {
        return outage;
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
        Row row = rows.iterator().next();
        OffsetDateTime from = row.getOffsetDateTime(0);
        OffsetDateTime to = row.getOffsetDateTime(1);
        Liveness.Outage next = from == null || to == null ? null
                : new Liveness.Outage(from.toInstant(), to.toInstant());
        Liveness.Outage previous = outage;
        if (next != null && (previous == null || next.to().isAfter(previous.to().plus(GAP)))) {
            LOG.infof("heartbeats could not be recorded from %s until %s (the database or every registry was down):"
                    + " the PCs alive then have their lost-after time from its end before any is given up",
                    next.from(), next.to());
        }
        outage = next;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
