package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.asUser;
import static dev.upc.scheduler.testing.Api.getJob;
import static dev.upc.scheduler.testing.Api.submitJob;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.testing.Api;
import dev.upc.scheduler.testing.SchedulerTest;
import dev.upc.scheduler.testing.ScriptedAgent;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AgentProtocolTests extends SchedulerTest {

    @Test
    void aJobRunsToSuccessThroughTheCommandChannel() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        var agent = new ScriptedAgent("wa");
        String id = submitJob("count");
        assertThat(plan().placements()).hasSize(1);
        getJob(id).body("state", equalTo("PLACED")).body("epoch", equalTo(1)).body("workerId", equalTo("wa"));

        var run = agent.expect("RUN");
        assertThat(run).containsEntry("jobId", id).containsEntry("epoch", 1)
                .containsEntry("containerName", "upc-" + id + "-1");
        assertThat((Map<String, Object>) run.get("job")).containsEntry("image", "localhost/upc/count:1");
        assertThat(agent.reportOk(run, "STARTED").getString("outcome")).isEqualTo("APPLIED");
        getJob(id).body("state", equalTo("RUNNING"));
        assertThat(agent.poll(0)).isEmpty(); // acknowledged: not delivered again

        var reply = agent.reportOk(run, "EXITED", Map.of("exitCode", 0, "cpuSeconds", 12.5));
        assertThat(reply.getList("commands.type")).containsExactly("CLEANUP");
        getJob(id).body("state", equalTo("SUCCEEDED")).body("exitCode", equalTo(0)).body("cpuSeconds", equalTo(12.5f));
        asUser().get("/api/v1/jobs/{id}/events", id).then()
                .body("events.type", equalTo(List.of("SUBMITTED", "PLACED", "STARTED", "EXITED", "SUCCEEDED")));
        agent.reportOk(agent.expect("CLEANUP"), "EXITED");
        assertThat(agent.poll(0)).isEmpty();
    }

    /**
     * An agent back from a lapsed lease asks what the scheduler places on it now: its running job with the epoch of
     * its container, not another worker's job, and no job once it ended; a poll that does not ask gets none.
     */
    @Test
    void anAgentLearnsWhatIsStillPlacedOnIt() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 1);
        workers.put("wb", WorkerStatus.ONLINE, 1.0, 1);
        var a = new ScriptedAgent("wa");
        var b = new ScriptedAgent("wb");
        String first = submitJob("mine");
        String second = submitJob("theirs");
        plan();
        var run = a.expect("RUN");
        a.reportOk(run, "STARTED");
        b.reportOk(b.expect("RUN"), "STARTED");
        String onA = (String) run.get("jobId");

        a.pollResponse(0).statusCode(200).body("placements", org.hamcrest.Matchers.nullValue());
        var placed = given().auth().oauth2(a.token()).queryParam("waitSeconds", 0).queryParam("placements", true)
                .get("/api/v1/agents/{id}/commands", "wa").then().statusCode(200).extract().jsonPath();
        assertThat(placed.getList("placements.jobId")).containsExactly(onA);
        assertThat(placed.getList("placements.epoch")).containsExactly(1);
        assertThat(List.of(first, second)).contains(onA);

        a.reportOk(run, "EXITED", Map.of("exitCode", 0));
        given().auth().oauth2(a.token()).queryParam("waitSeconds", 0).queryParam("placements", true)
                .get("/api/v1/agents/{id}/commands", "wa").then().statusCode(200).body("placements", hasSize(0));
    }

    @Test
    void aFailedExitIsRetriedFromScratchUntilRetriesRunOut() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        var agent = new ScriptedAgent("wa");
        var body = Api.job("flaky");
        body.put("maxRetries", 1);
        String id = Api.submit(body).statusCode(201).extract().path("id");
        plan();
        var run = agent.expect("RUN");
        agent.reportOk(run, "STARTED");
        agent.reportOk(run, "EXITED", Map.of("exitCode", 3));
        getJob(id).body("state", equalTo("QUEUED")).body("retries", equalTo(1));
        plan();
        var again = agent.poll(0).stream().filter(c -> "RUN".equals(c.get("type"))).findFirst().orElseThrow();
        assertThat(again).containsEntry("epoch", 2);
        agent.reportOk(again, "FAILED", Map.of("reason", "image not found"));
        getJob(id).body("state", equalTo("FAILED")).body("reason", org.hamcrest.Matchers.containsString("no retries left"));
    }

    @Test
    void aLongPollReturnsAsSoonAsACommandIsQueued() throws Exception {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        var agent = new ScriptedAgent("wa");
        long start = System.nanoTime();
        CompletableFuture<List<Map<String, Object>>> poll = CompletableFuture.supplyAsync(() -> agent.poll(20));
        Thread.sleep(500);
        submitJob("wake");
        plan();
        var commands = poll.get(10, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(commands).extracting(c -> c.get("type")).containsExactly("RUN");
        assertThat(tookMs).isLessThan(5000);
    }

    @Test
    void aLongPollReturnsEmptyAfterItsWait() {
        var agent = new ScriptedAgent("idle");
        long start = System.nanoTime();
        assertThat(agent.poll(1)).isEmpty();
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMs).isBetween(900L, 5000L);
    }

    @Test
    void onlyTheWorkersOwnTokenMayPollOrReport() {
        var mine = new ScriptedAgent("wa");
        given().auth().oauth2(Api.token("wb", "worker")).get("/api/v1/agents/wa/commands?waitSeconds=0").then()
                .statusCode(403).body("error", equalTo("forbidden"));
        given().auth().oauth2(Api.token("root", "admin")).get("/api/v1/agents/wa/commands?waitSeconds=0").then()
                .statusCode(403);
        given().get("/api/v1/agents/wa/commands?waitSeconds=0").then().statusCode(401);
        mine.pollResponse(61).statusCode(400);
        mine.pollResponse(-1).statusCode(400);
        given().auth().oauth2(mine.token()).queryParam("waitSeconds", "soon").get("/api/v1/agents/wa/commands").then()
                .statusCode(404); // an unparsable query parameter does not match the resource
        given().auth().oauth2(Api.token("wb", "worker")).contentType(ContentType.JSON)
                .body(Map.of("commandId", "c", "jobId", "j", "epoch", 1, "type", "STARTED"))
                .post("/api/v1/agents/wa/events").then().statusCode(403);
    }

    @Test
    void aRevokedWorkersTokenGetsNothingMoreThoughItHasNotExpired() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        var agent = new ScriptedAgent("wa");
        submitJob("before-revocation");
        plan();
        var run = agent.expect("RUN");

        workers.revoke("wa");
        revokedWorkers().refresh().await().atMost(java.time.Duration.ofSeconds(5)); // as every 15 s

        for (var call : List.of(agent.pollResponse(0), agent.report(run, "STARTED", java.util.Map.of()))) {
            call.statusCode(401).body("error", equalTo("worker_revoked")).body("status", equalTo(401));
        }
        given().auth().oauth2(agent.token()).contentType("application/json")
                .body(java.util.Map.of("kind", "outputs", "id", "x", "operation", "write"))
                .post("/api/v1/agents/wa/blob-tokens").then().statusCode(401);
        var other = new ScriptedAgent("wb");
        other.pollResponse(0).statusCode(200); // every other worker goes on
    }

    @Test
    void eventsAreValidatedAgainstTheirCommand() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        var agent = new ScriptedAgent("wa");
        submitJob("v");
        plan();
        var run = agent.expect("RUN");
        agent.report(Map.of("commandId", "nope", "jobId", run.get("jobId"), "epoch", 1), "STARTED", Map.of())
                .statusCode(404).body("error", equalTo("command_not_found"));
        agent.report(run, "CHECKPOINTED", Map.of()).statusCode(400);
        agent.report(Map.of("commandId", run.get("commandId"), "jobId", run.get("jobId"), "epoch", 7), "STARTED",
                Map.of()).statusCode(400).body("details[0].field", equalTo("epoch"));
        agent.report(run, "STARTED", Map.of("sha256", "XYZ")).statusCode(400);
        agent.report(run, "WALKED", Map.of()).statusCode(400);
        new ScriptedAgent("wb").report(run, "STARTED", Map.of()).statusCode(404);
    }

    @Test
    void aDuplicateEventIsAcceptedAndChangesNothing() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        var agent = new ScriptedAgent("wa");
        String id = submitJob("dup");
        plan();
        var run = agent.expect("RUN");
        agent.reportOk(run, "STARTED");
        agent.reportOk(run, "EXITED", Map.of("exitCode", 0));
        assertThat(agent.reportOk(run, "EXITED", Map.of("exitCode", 1)).getString("outcome")).isEqualTo("DUPLICATE");
        assertThat(agent.reportOk(run, "STARTED").getString("outcome")).isEqualTo("DUPLICATE");
        getJob(id).body("state", equalTo("SUCCEEDED")).body("exitCode", equalTo(0));
        asUser().get("/api/v1/jobs/{id}/events", id).then()
                .body("events.findAll { it.type == 'EXITED' }.size()", equalTo(1));
    }

    @Test
    void aStaleEpochIsIgnoredAndItsContainerKilled() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        workers.put("wb", WorkerStatus.ONLINE, 1.0, 4);
        var a = new ScriptedAgent("wa");
        var b = new ScriptedAgent("wb");
        String id = submitJob("stale");
        plan();
        ScriptedAgent first = a.poll(0).isEmpty() ? b : a;
        var run = first.expect("RUN");
        // The worker vanishes before confirming; the job is recovered and placed again (epoch 2).
        workers.status(first.id(), WorkerStatus.LOST);
        plan();
        getJob(id).body("epoch", equalTo(2)).body("state", equalTo("PLACED"));
        // The partition heals and the old copy reports: ignored, told to KILL its container.
        var reply = first.reportOk(run, "STARTED");
        assertThat(reply.getString("outcome")).isEqualTo("STALE");
        assertThat(reply.getList("commands.type")).containsExactly("KILL");
        assertThat(reply.getList("commands.containerName")).containsExactly("upc-" + id + "-1");
        getJob(id).body("epoch", equalTo(2)).body("state", equalTo("PLACED"));
        asUser().get("/api/v1/jobs/{id}/events", id).then().body("events.type",
                org.hamcrest.Matchers.hasItems("RECOVERED", "STALE_EVENT"));
    }

    @Test
    void anAgentReconnectingAfterAGapGetsItsUnacknowledgedCommands() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 8);
        var agent = new ScriptedAgent("wa");
        submitJob("one");
        submitJob("two");
        plan();
        var firstDelivery = agent.poll(0);
        assertThat(firstDelivery).hasSize(2);
        agent.reportOk(firstDelivery.get(0), "STARTED");
        // The agent crashes before handling the second; after it restarts, the second is still there.
        var afterRestart = agent.poll(0);
        assertThat(afterRestart).extracting(c -> c.get("commandId")).containsExactly(firstDelivery.get(1).get("commandId"));
    }

    @Test
    void cancellingARunningJobKillsItsContainer() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        var agent = new ScriptedAgent("wa");
        String id = submitJob("cancel-me");
        plan();
        var run = agent.expect("RUN");
        agent.reportOk(run, "STARTED");
        asUser().delete("/api/v1/jobs/{id}", id).then().statusCode(200).body("state", equalTo("CANCELLED"));
        var kill = agent.expect("KILL");
        assertThat(kill).containsEntry("containerName", "upc-" + id + "-1");
        agent.reportOk(kill, "EXITED");
        var late = agent.reportOk(run, "EXITED", Map.of("exitCode", 137));
        assertThat(late.getString("outcome")).isEqualTo("STALE");
        getJob(id).body("state", equalTo("CANCELLED"));
    }
}
