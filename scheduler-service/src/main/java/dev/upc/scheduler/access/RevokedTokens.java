package dev.upc.scheduler.access;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a user token still works: minted by the scheduler (its {@code jti} is in the table) and neither it nor its
 * user revoked. A yes is remembered for {@link #TRUST}, so a busy client costs one query per few seconds; a revocation
 * takes effect at once on the replica that made it and within {@link #TRUST} on the others.
 */
@ApplicationScoped
public class RevokedTokens {

    static final Duration TRUST = Duration.ofSeconds(5);
    private static final int MAX_REMEMBERED = 10_000;

    private record Remembered(String user, Instant until) {
    }

    private final Pool pool;
    private final UserStore store;
    private final Clock clock;
    private final Map<String, Remembered> valid = new ConcurrentHashMap<>();

    RevokedTokens(Pool pool, UserStore store, Clock clock) {
        this.pool = pool;
        this.store = store;
        this.clock = clock;
    }

    public Uni<Boolean> valid(String jti, String user) {
        if (jti == null || user == null) {
            return Uni.createFrom().item(false);
        }
        Instant now = clock.instant();
        Remembered remembered = valid.get(jti);
        if (remembered != null && remembered.user().equals(user) && now.isBefore(remembered.until())) {
            return Uni.createFrom().item(true);
        }
        return store.tokenValid(pool, jti, user).invoke(ok -> {
            if (ok) {
                if (valid.size() >= MAX_REMEMBERED) {
                    valid.clear();
                }
                valid.put(jti, new Remembered(user, now.plus(TRUST)));
            } else {
                valid.remove(jti);
            }
        });
    }

    /** Forget every remembered token of the user: its next request is checked against the table. */
    public void revokedUser(String user) {
        valid.values().removeIf(r -> r.user().equals(user));
    }
}
