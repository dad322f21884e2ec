package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.getJob;
import static dev.upc.scheduler.testing.Api.submitJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.planner.PlannerLock;
import dev.upc.scheduler.service.DatabaseOptions;
import dev.upc.scheduler.testing.SchedulerTest;
import dev.upc.scheduler.testing.ScriptedAgent;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The planner as it runs in production, on its own: scheduled every 200 ms and woken by submissions and events, only
 * on the replica holding the advisory lock. No test here calls planOnce().
 */
@QuarkusTest
@TestProfile(PlannerLoopTest.PlannerOn.class)
class PlannerLoopTest extends SchedulerTest {

    static final long LOCK_KEY = 7_305_099;

    public static class PlannerOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("upc.scheduler.planner-enabled", "true",
                    "upc.scheduler.plan-interval", "200ms",
                    "upc.scheduler.planner-lock-key", Long.toString(LOCK_KEY));
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Vertx vertx;

    @Inject
    DatabaseOptions database;

    @Inject
    Pool pool;

    @Test
    void aSubmittedJobIsPlacedRunAndFinishedWithoutAnyoneCallingThePlanner() {
        workers.put("w-loop", WorkerStatus.ONLINE, 1.0, 4);
        var agent = new ScriptedAgent("w-loop");
        String id = submitJob("by-itself");

        // The plan interval is 2 s; the bound only keeps a broken loop from hanging the test (a loaded CI machine
        // may take several seconds), it is not a latency claim.
        Map<String, Object> run = awaitCommand(agent, "RUN", Duration.ofSeconds(20))
                .orElseThrow(() -> new AssertionError("no RUN within 20 s of the submission"));
        assertThat(run).containsEntry("jobId", id).containsEntry("epoch", 1);
        assertThat(agent.reportOk(run, "STARTED").getString("outcome")).isEqualTo("APPLIED");
        getJob(id).body("state", equalTo("RUNNING")).body("workerId", equalTo("w-loop"));
        assertThat(agent.reportOk(run, "EXITED", Map.of("exitCode", 0, "cpuSeconds", 3.0)).getString("outcome"))
                .isEqualTo("APPLIED");
        getJob(id).body("state", equalTo("SUCCEEDED")).body("exitCode", equalTo(0));
        assertThat(planner.leader()).isTrue();
    }

    @Test
    void nothingIsPlannedWhileAnotherReplicaHoldsTheLockAndPlanningResumesWhenItIsFree() throws Exception {
        workers.put("w-lock", WorkerStatus.ONLINE, 1.0, 4);
        var agent = new ScriptedAgent("w-lock");
        PlannerLock other = new PlannerLock(vertx, database.connectOptions(), LOCK_KEY);
        try {
            takeFromTheApplication(other);
            String id = submitJob("waits-for-the-lock");

            // Several rounds (and the submission's wake-up) pass: this replica does not plan.
            Thread.sleep(1000);
            assertThat(agent.poll(1)).isEmpty();
            getJob(id).body("state", equalTo("QUEUED"));
            assertThat(planner.leader()).isFalse();
            assertThat(other.acquire().await().atMost(WAIT)).isTrue();

            other.release().await().atMost(WAIT); // the other replica goes away
            Map<String, Object> run = awaitCommand(agent, "RUN", Duration.ofSeconds(5))
                    .orElseThrow(() -> new AssertionError("no RUN within 5 s of the lock's release"));
            assertThat(run).containsEntry("jobId", id);
            assertThat(planner.leader()).isTrue();
            getJob(id).body("state", equalTo("PLACED"));
        } finally {
            other.release().await().atMost(WAIT);
        }
    }

    /** Ends the application's lock session (as a crash would) until {@code other} holds the lock. */
    private void takeFromTheApplication(PlannerLock other) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!other.acquire().await().atMost(WAIT)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not take the planner lock from the application");
            }
            pool.preparedQuery("""
                            SELECT pg_terminate_backend(pid) FROM pg_locks
                             WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1""")
                    .execute(Tuple.of(LOCK_KEY)).await().atMost(WAIT);
            Thread.sleep(20);
        }
        while (planner.leader() && System.nanoTime() < deadline) { // it notices when its connection closes
            Thread.sleep(20);
        }
    }

    private static Optional<Map<String, Object>> awaitCommand(ScriptedAgent agent, String type, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            long left = Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toSeconds());
            List<Map<String, Object>> commands = agent.poll((int) Math.min(left, 5));
            Optional<Map<String, Object>> found = commands.stream().filter(c -> type.equals(c.get("type"))).findFirst();
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }
}
