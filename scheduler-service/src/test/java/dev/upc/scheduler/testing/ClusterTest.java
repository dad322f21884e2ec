package dev.upc.scheduler.testing;

import dev.upc.scheduler.access.RevokedWorkers;
import dev.upc.scheduler.access.UserStore;
import dev.upc.scheduler.owner.OwnerReports;
import dev.upc.scheduler.planner.Planner;
import dev.upc.scheduler.policy.Decisions;
import dev.upc.scheduler.service.JobStore;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every {@code @QuarkusTest} of the scheduler starts from: an empty database (no jobs, no users) and no workers
 * before each test; the planner runs only when a test says so. Subclasses choose the test resources.
 */
public abstract class ClusterTest {

    @Inject
    protected FixedWorkerDirectory workers;

    @Inject
    protected Planner planner;

    @Inject
    protected Pool pool;

    @Inject
    protected JobStore store;

    @Inject
    UserStore users;

    @Inject
    OwnerReports owners;

    @Inject
    RevokedWorkers revokedWorkers;

    @BeforeEach
    void emptyCluster() {
        workers.clear();
        revokedWorkers.refresh().await().atMost(Duration.ofSeconds(10)); // no worker revoked any more
        store.deleteAll(pool).await().atMost(Duration.ofSeconds(10));
        users.deleteAll(pool).await().atMost(Duration.ofSeconds(10));
        owners.deleteAll().await().atMost(Duration.ofSeconds(10));
        Api.forgetUsers();
    }

    protected RevokedWorkers revokedWorkers() {
        return revokedWorkers;
    }

    protected Decisions plan() {
        return planner.planOnce().await().atMost(Duration.ofSeconds(10));
    }
}
