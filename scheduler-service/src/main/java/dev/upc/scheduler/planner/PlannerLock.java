package dev.upc.scheduler.planner;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import org.jboss.logging.Logger;

/**
 * Leadership among scheduler replicas: a session-level PostgreSQL advisory lock held on a dedicated connection.
 * Whoever holds it plans; it is released when the holder's connection ends (crash, network loss, shutdown), so
 * another replica's next {@link #acquire()} takes over. The holder checks its connection before every round.
 */
public final class PlannerLock {

    private static final Logger LOG = Logger.getLogger(PlannerLock.class);

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final long key;
    private volatile PgConnection connection;
    private volatile boolean held;

    public PlannerLock(Vertx vertx, PgConnectOptions options, long key) {
        this.vertx = vertx;
        this.options = options;
        this.key = key;
    }

    /** True if this instance holds the lock now (taking it if free). Never fails: a broken connection means false. */
    public Uni<Boolean> acquire() {
        PgConnection current = connection;
        if (held && current != null) {
            return current.query("SELECT 1").execute().map(rows -> true)
                    .onFailure().recoverWithUni(failure -> lost(failure));
        }
        Uni<PgConnection> connected = current != null ? Uni.createFrom().item(current)
                : PgConnection.connect(vertx, options).invoke(c -> {
                    connection = c;
                    c.closeHandler(() -> {
                        if (held) {
                            LOG.warn("planner lock connection closed: no longer planning");
                        }
                        held = false;
                        connection = null;
                    });
                });
        return connected
                .chain(c -> c.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(key)))
                .map(rows -> {
                    boolean got = rows.iterator().next().getBoolean(0);
                    if (got && !held) {
                        LOG.info("took the planner lock: this instance plans");
                    }
                    held = got;
                    return got;
                })
                .onFailure().recoverWithUni(failure -> lost(failure));
    }

    public boolean held() {
        return held;
    }

    /** Gives up the lock by closing the connection. */
    public Uni<Void> release() {
        PgConnection current = connection;
        held = false;
        connection = null;
        return current == null ? Uni.createFrom().voidItem() : current.close();
    }

    private Uni<Boolean> lost(Throwable failure) {
        LOG.debugf(failure, "planner lock unavailable");
        return release().onFailure().recoverWithNull().replaceWith(false);
    }
}
