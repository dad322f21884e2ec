package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.asUser;
import static dev.upc.scheduler.testing.Api.getJob;
import static dev.upc.scheduler.testing.ScriptedAgent.checkpointed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.testing.Api;
import dev.upc.scheduler.testing.SchedulerTest;
import dev.upc.scheduler.testing.ScriptedAgent;
import dev.upc.servicetesting.MovableClock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Containers the agents' heartbeats report that are no job's current copy are fenced by the planner, once. */
@QuarkusTest
class StaleContainerTests extends SchedulerTest {

    @Inject
    MovableClock clock;

    private final ScriptedAgent a = new ScriptedAgent("wa");
    private final ScriptedAgent b = new ScriptedAgent("wb");

    private static ContainerReport container(String jobId, long epoch, String state) {
        return new ContainerReport(jobId, epoch, state, 10.0, 100L);
    }

    /** A job that ran on wa in epoch 1 and was migrated to wb (epoch 2); wa's CLEANUP of epoch 1 acknowledged. */
    private String migratedFromAToB() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        String id = Api.submit(Api.job("stale")).statusCode(201).extract().path("id");
        plan();
        a.reportOk(a.expect("RUN"), "STARTED");
        workers.put("wb", WorkerStatus.ONLINE, 2.0, 4);
        asUser().contentType(ContentType.JSON).body(Map.of("targetWorkerId", "wb"))
                .post("/api/v1/jobs/{id}/migrate", id).then().statusCode(200);
        var checkpoint = a.expect("CHECKPOINT");
        a.reportOk(checkpoint, "CHECKPOINTED", checkpointed(checkpoint, 1_000_000L));
        b.reportOk(b.expect("RESTORE"), "RESTORED");
        a.reportOk(a.expect("CLEANUP"), "EXITED");
        getJob(id).body("state", equalTo("RUNNING")).body("workerId", equalTo("wb")).body("epoch", equalTo(2));
        return id;
    }

    @Test
    void aRunningContainerOfAnOldEpochIsKilledExactlyOnce() {
        String id = migratedFromAToB();
        clock.advance(Duration.ofMinutes(1));
        // wa's agent restarted and still has the old copy running; wb reports its legitimate one
        workers.heartbeat("wa", clock.instant(), List.of(container(id, 1, "running")));
        workers.heartbeat("wb", clock.instant(), List.of(container(id, 2, "running")));
        plan();
        plan(); // the KILL is still unacknowledged: not queued again
        var commands = a.poll(1);
        assertThat(commands).hasSize(1);
        var kill = commands.get(0);
        assertThat(kill).containsEntry("type", "KILL").containsEntry("jobId", id).containsEntry("epoch", 1)
                .containsEntry("containerName", "upc-" + id + "-1");
        assertThat(b.poll(0)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        a.reportOk(kill, "EXITED");
        plan(); // the same (older) heartbeat proves nothing after the acknowledgement
        assertThat(a.poll(0)).isEmpty();
        getJob(id).body("state", equalTo("RUNNING")).body("epoch", equalTo(2));

        JsonPath events = asUser().get("/api/v1/jobs/{id}/events", id).then().extract().jsonPath();
        assertThat(events.getList("events.findAll { it.type == 'STALE_EVENT' }")).hasSize(1);
        Map<String, Object> stale = events.getMap("events.find { it.type == 'STALE_EVENT' }.details");
        assertThat(stale).containsEntry("eventType", "HEARTBEAT").containsEntry("eventEpoch", 1)
                .containsEntry("answer", "KILL");
    }

    @Test
    void aStoppedContainerOfAFinishedJobIsCleanedUp() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        String id = Api.submit(Api.job("done")).statusCode(201).extract().path("id");
        plan();
        var run = a.expect("RUN");
        a.reportOk(run, "STARTED");
        a.reportOk(run, "EXITED", Map.of("exitCode", 0));
        a.reportOk(a.expect("CLEANUP"), "EXITED");
        clock.advance(Duration.ofMinutes(1));
        workers.heartbeat("wa", clock.instant(), List.of(container(id, 1, "exited")));
        plan();
        var cleanup = a.expect("CLEANUP");
        assertThat(cleanup).containsEntry("epoch", 1).containsEntry("jobId", id);
        getJob(id).body("state", equalTo("SUCCEEDED"));
    }

    @Test
    void legitimateAndUnknownContainersAreLeftAlone() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        String id = Api.submit(Api.job("mine")).statusCode(201).extract().path("id");
        plan();
        a.reportOk(a.expect("RUN"), "STARTED");
        clock.advance(Duration.ofMinutes(1));
        // its own container, and one of a job this scheduler never knew (no command can name it)
        workers.heartbeat("wa", clock.instant(), List.of(container(id, 1, "running"),
                container("not-a-job", 3, "running")));
        plan();
        assertThat(a.poll(0)).isEmpty();
    }

    @Test
    void aLostWorkersReportIsNotActedOn() {
        String id = migratedFromAToB();
        clock.advance(Duration.ofMinutes(1));
        workers.heartbeat("wa", clock.instant(), List.of(container(id, 1, "running")));
        workers.status("wa", WorkerStatus.SUSPECT);
        plan();
        assertThat(a.poll(0)).isEmpty();
    }
}
