package dev.upc.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.scheduler.planner.PlannerLock;
import dev.upc.scheduler.service.DatabaseOptions;
import dev.upc.scheduler.testing.SchedulerTest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Two scheduler replicas competing for the planner lock on one database: one plans, the other takes over. */
@QuarkusTest
class PlannerLockTests extends SchedulerTest {

    private static final long KEY = 424242;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Vertx vertx;

    @Inject
    DatabaseOptions database;

    @Inject
    Pool pool;

    @Test
    void onlyOneReplicaHoldsTheLockAndAnotherTakesOverWhenItsHolderGoesAway() throws InterruptedException {
        PlannerLock first = new PlannerLock(vertx, database.connectOptions(), KEY);
        PlannerLock second = new PlannerLock(vertx, database.connectOptions(), KEY);
        try {
            assertThat(first.acquire().await().atMost(WAIT)).isTrue();
            assertThat(second.acquire().await().atMost(WAIT)).isFalse();
            assertThat(first.acquire().await().atMost(WAIT)).isTrue(); // still held, checked again
            assertThat(second.acquire().await().atMost(WAIT)).isFalse();

            first.release().await().atMost(WAIT); // a clean shutdown
            assertThat(second.acquire().await().atMost(WAIT)).isTrue();
            assertThat(first.acquire().await().atMost(WAIT)).isFalse();

            // The holder's connection dies (crash, network): the lock is free and the other replica takes it.
            var terminated = pool.preparedQuery("""
                            SELECT pg_terminate_backend(pid) FROM pg_locks
                             WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1""")
                    .execute(Tuple.of(KEY)).await().atMost(WAIT);
            assertThat(terminated.rowCount()).isEqualTo(1);
            // (the backend exits asynchronously: the holder notices when its connection closes)
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (second.held() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(second.held()).isFalse();
            assertThat(first.acquire().await().atMost(WAIT)).isTrue();
            assertThat(second.acquire().await().atMost(WAIT)).isFalse();
            assertThat(first.held()).isTrue();
            assertThat(second.held()).isFalse();
        } finally {
            first.release().await().atMost(WAIT);
            second.release().await().atMost(WAIT);
        }
    }
}
