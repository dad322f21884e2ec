package dev.upc.scheduler.owner;

import dev.upc.protocol.JobEventType;
import dev.upc.protocol.OwnerReport;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.SuspendedJob;
import dev.upc.scheduler.service.JobStore;
import dev.upc.scheduler.service.JobsChanged;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The owners' presence on their PCs as the agents report it straight to the scheduler ({@link OwnerReport}), and the
 * jobs the agents hold suspended for them. A report is applied in one transaction: the PC's row (the newest report
 * wins), a SUSPENDED or RESUMED entry in the history of each job whose hold began or ended, and a wake-up of the
 * planner. The planner then reads only the rows received since its last round ({@link #refresh}), so 20,000 quiet
 * PCs cost it nothing; the registry's heartbeats remain the reconciliation for agents that do not report.
 *
 * <p>A report can hold only jobs that run on its own PC in the epoch it names: what a hostile or confused agent
 * claims about any other job is dropped.
 */
@ApplicationScoped
public class OwnerReports {

    private static final Logger LOG = Logger.getLogger(OwnerReports.class);
    /** Rows received this long before the newest one read are read again: a transaction may commit late. */
    private static final Duration OVERLAP = Duration.ofSeconds(5);

    /** A job held suspended on its PC. */
    public record Hold(long epoch, Instant since) {
    }

    /**
     * What the PC's agent last said.
     *
     * @param suspended the held jobs by id
     * @param leaving   the PC is shutting down: its jobs move away as from a drained PC
     */
    public record Presence(boolean ownerActive, Instant changedAt, Map<String, Hold> suspended, boolean leaving) {

        public Presence {
            suspended = Map.copyOf(suspended);
        }

        public Presence(boolean ownerActive, Instant changedAt, Map<String, Hold> suspended) {
            this(ownerActive, changedAt, suspended, false);
        }

        /** Since when the job's container of {@code epoch} is held, if it is. */
        public Optional<Instant> suspendedSince(String jobId, long epoch) {
            Hold hold = suspended.get(jobId);
            return hold != null && hold.epoch() == epoch ? Optional.of(hold.since()) : Optional.empty();
        }
    }

    private final Pool pool;
    private final JobStore jobs;
    private final Event<JobsChanged> changes;
    private final Clock clock;
    private final Map<String, Presence> known = new ConcurrentHashMap<>();
    private volatile Instant readUpTo = Instant.EPOCH;
    private volatile Instant fullReadAt = Instant.EPOCH;
    /** How often every report is read again. */
    private static final Duration FULL_READ = Duration.ofMinutes(1);

    OwnerReports(Pool pool, JobStore jobs, Event<JobsChanged> changes, Clock clock) {
        this.pool = pool;
        this.jobs = jobs;
        this.changes = changes;
        this.clock = clock;
    }

    /** Applies a report of {@code workerId}'s agent, unless a newer one was applied already. */
    public Uni<Void> apply(String workerId, OwnerReport report) {
        Instant now = clock.instant();
        return pool.withTransaction(c -> c.preparedQuery(
                        "SELECT owner_active, changed_at, suspended, leaving FROM worker_owner WHERE worker_id = $1"
                                + " FOR UPDATE")
                .execute(Tuple.of(workerId)).chain(rows -> {
                    Presence before = rows.iterator().hasNext() ? presence(rows.iterator().next()) : null;
                    // An agent started again after a shutdown clears its leaving whatever its clock says (a PC's
                    // clock may come up behind the one that shut down until NTP catches up).
                    boolean back = before != null && before.leaving() && !report.leaving();
                    if (before != null && before.changedAt().isAfter(report.changedAt()) && !back) {
                        LOG.debugf("worker %s: owner report of %s is older than the one applied; ignored", workerId,
                                report.changedAt());
                        return Uni.createFrom().<Presence>nullItem();
                    }
                    return runningHere(c, workerId, report.suspended()).chain(held -> {
                        Presence after = new Presence(report.ownerState() == OwnerState.ACTIVE, report.changedAt(),
                                held, report.leaving());
                        return save(c, workerId, after).chain(() -> history(c, workerId, before, after, now))
                                .replaceWith(after);
                    });
                })).invoke(applied -> {
                    if (applied != null) {
                        known.put(workerId, applied); // this replica knows at once, the others at their next refresh
                        changes.fire(new JobsChanged(null));
                    }
                }).replaceWithVoid();
    }

    /** The jobs of the report that run on this worker in the epoch it says. */
    private Uni<Map<String, Hold>> runningHere(SqlConnection c, String workerId, List<SuspendedJob> reported) {
        if (reported.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        String[] ids = reported.stream().map(SuspendedJob::jobId).distinct().toArray(String[]::new);
        return c.preparedQuery("SELECT id, epoch FROM jobs WHERE worker_id = $1 AND state = 'RUNNING' AND id = ANY($2)")
                .execute(Tuple.of(workerId, ids)).map(rows -> {
                    Map<String, Long> epochs = new HashMap<>();
                    rows.forEach(row -> epochs.put(row.getString("id"), row.getLong("epoch")));
                    Map<String, Hold> held = new LinkedHashMap<>();
                    for (SuspendedJob job : reported) {
                        if (job.epoch().equals(epochs.get(job.jobId()))) {
                            held.put(job.jobId(), new Hold(job.epoch(), job.since()));
                        }
                    }
                    return held;
                });
    }

    private Uni<Void> save(SqlConnection c, String workerId, Presence presence) {
        JsonArray suspended = new JsonArray();
        presence.suspended().forEach((id, hold) -> suspended.add(new JsonObject().put("jobId", id)
                .put("epoch", hold.epoch()).put("since", hold.since().toString())));
        return c.preparedQuery("""
                        INSERT INTO worker_owner (worker_id, owner_active, changed_at, received_at, suspended, leaving)
                        VALUES ($1, $2, $3, clock_timestamp(), $4, $5)
                        ON CONFLICT (worker_id) DO UPDATE SET owner_active = $2, changed_at = $3,
                                                              received_at = clock_timestamp(), suspended = $4,
                                                              leaving = $5""")
                .execute(Tuple.of(workerId, presence.ownerActive(), time(presence.changedAt()), suspended,
                        presence.leaving()))
                .replaceWithVoid();
    }

    /** SUSPENDED for each job newly held, RESUMED for each no longer held that still runs here. */
    private Uni<Void> history(SqlConnection c, String workerId, Presence before, Presence after, Instant now) {
        Map<String, Hold> was = before == null ? Map.of() : before.suspended();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<String, Hold> held : after.suspended().entrySet()) {
            Hold previous = was.get(held.getKey());
            if (previous == null || previous.epoch() != held.getValue().epoch()) {
                chain = chain.chain(() -> jobs.event(c, held.getKey(), held.getValue().epoch(),
                        JobEventType.SUSPENDED, workerId, Map.of("since", held.getValue().since().toString()), now));
            }
        }
        for (Map.Entry<String, Hold> freed : was.entrySet()) {
            if (!after.suspended().containsKey(freed.getKey())) {
                chain = chain.chain(() -> c.preparedQuery("""
                                INSERT INTO job_events (job_id, type, at, epoch, worker_id, details)
                                SELECT id, $2, $3, epoch, worker_id, '{}'::jsonb FROM jobs
                                 WHERE id = $1 AND worker_id = $4 AND epoch = $5 AND state = 'RUNNING'""")
                        .execute(Tuple.of(freed.getKey(), JobEventType.RESUMED.name(), time(now), workerId,
                                freed.getValue().epoch()))
                        .replaceWithVoid());
            }
        }
        return chain;
    }

    /**
     * Reads the reports received since the last call (all of them the first time) into what {@link #presence}
     * answers; the planner calls it once a round.
     */
    public Uni<Map<String, Presence>> refresh() {
        // Every row now and then: a report whose commit came later than the overlap is not missed for good.
        boolean full = clock.instant().isAfter(fullReadAt.plus(FULL_READ));
        Instant from = full ? Instant.EPOCH : readUpTo.minus(OVERLAP);
        if (full) {
            fullReadAt = clock.instant();
        }
        return pool.preparedQuery("SELECT * FROM worker_owner WHERE received_at > $1")
                .execute(Tuple.of(time(from))).map(rows -> {
                    Instant newest = readUpTo;
                    for (Row row : rows) {
                        known.put(row.getString("worker_id"), presence(row));
                        Instant received = row.getOffsetDateTime("received_at").toInstant();
                        if (received.isAfter(newest)) {
                            newest = received;
                        }
                    }
                    readUpTo = newest;
                    return Map.copyOf(known);
                });
    }

    /** Every worker's last report as of the last {@link #refresh} (or report applied here). */
    public Map<String, Presence> known() {
        return Map.copyOf(known);
    }

    /** The last report of the worker's agent as of the last {@link #refresh}, if it ever reported. */
    public Optional<Presence> presence(String workerId) {
        return Optional.ofNullable(known.get(workerId));
    }

    /** Forgets every report (tests start from an empty cluster). */
    public Uni<Void> deleteAll() {
        return pool.query("TRUNCATE worker_owner").execute().invoke(known::clear).invoke(() -> {
            readUpTo = Instant.EPOCH;
            fullReadAt = Instant.EPOCH;
        }).replaceWithVoid();
    }

    private static Presence presence(Row row) {
        Map<String, Hold> suspended = new LinkedHashMap<>();
        Object value = row.getValue("suspended");
        if (value instanceof JsonArray array) {
            for (int i = 0; i < array.size(); i++) {
                JsonObject held = array.getJsonObject(i);
                suspended.put(held.getString("jobId"),
                        new Hold(held.getLong("epoch"), Instant.parse(held.getString("since"))));
            }
        }
        return new Presence(row.getBoolean("owner_active"), row.getOffsetDateTime("changed_at").toInstant(),
                suspended, Boolean.TRUE.equals(row.getBoolean("leaving")));
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
