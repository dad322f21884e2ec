package dev.upc.scheduler.testing;

import dev.upc.scheduler.access.UserStore;
import dev.upc.scheduler.planner.Planner;
import dev.upc.scheduler.policy.Decisions;
import dev.upc.scheduler.service.JobStore;
import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the scheduler's {@code @QuarkusTest}s: one application on a private PostgreSQL with a fresh key pair,
 * an empty database and no workers before each test; the planner runs only when a test says so.
 */
@WithTestResource(PostgresResource.class)
@WithTestResource(SigningKeysResource.class)
public abstract class SchedulerTest {

    @Inject
    protected FixedWorkerDirectory workers;

    @Inject
    protected Planner planner;

    @Inject
    Pool pool;

    @Inject
    JobStore store;

    @Inject
    UserStore users;

    @BeforeEach
    void emptyCluster() {
        workers.clear();
        store.deleteAll(pool).await().atMost(Duration.ofSeconds(10));
        users.deleteAll(pool).await().atMost(Duration.ofSeconds(10));
        Api.forgetUsers();
    }

    protected Decisions plan() {
        return planner.planOnce().await().atMost(Duration.ofSeconds(10));
    }
}
