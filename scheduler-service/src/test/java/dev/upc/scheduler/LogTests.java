package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.asAdmin;
import static dev.upc.scheduler.testing.Api.asUser;
import static dev.upc.scheduler.testing.ScriptedAgent.checkpointed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.testing.Api;
import dev.upc.scheduler.testing.SchedulerTest;
import dev.upc.scheduler.testing.ScriptedAgent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Logs shipped by agents while jobs run, read by their owners as one log across placements. */
@QuarkusTest
class LogTests extends SchedulerTest {

    @TestHTTPResource
    URI base;

    private final ScriptedAgent a = new ScriptedAgent("wa");
    private final ScriptedAgent b = new ScriptedAgent("wb");

    private Map<String, Object> run;

    private String runningOnA() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 1);
        String id = Api.submitJob("chatty");
        plan();
        run = a.expect("RUN");
        a.reportOk(run, "STARTED");
        return id;
    }

    private static String text(String id) {
        return asUser().accept(ContentType.TEXT).get("/api/v1/jobs/{id}/logs", id).then().statusCode(200)
                .extract().asString();
    }

    @Test
    void linesShippedWhileAJobRunsAreReadByItsOwnerOnly() {
        String id = runningOnA();
        a.logs(id, 1, 1, 3, "tick", false).statusCode(200).body("nextLine", equalTo(4)).body("accepting", equalTo(true));
        // An agent that restarted sends again from line 1: nothing is doubled.
        a.logs(id, 1, 1, 4, "tick", false).statusCode(200).body("nextLine", equalTo(5));

        assertThat(text(id)).isEqualTo("[upc] epoch 1: started on pc-wa\ntick 1\ntick 2\ntick 3\ntick 4\n");
        var entries = asUser().accept("application/x-ndjson").get("/api/v1/jobs/{id}/logs", id).then()
                .statusCode(200).extract().asString().lines().toList();
        assertThat(entries).hasSize(5);
        assertThat(entries.get(0)).contains("\"type\":\"EPOCH\"").contains("\"carriedLines\":0");
        assertThat(entries.get(1)).contains("\"type\":\"LINE\"").contains("\"line\":1").contains("\"text\":\"tick 1\"");
        asUser("bob").accept(ContentType.TEXT).get("/api/v1/jobs/{id}/logs", id).then().statusCode(404);
        asAdmin().accept(ContentType.TEXT).get("/api/v1/jobs/{id}/logs", id).then().statusCode(200);
    }

    @Test
    void onlyTheWorkerThatRanAnEpochMaySendItsLines() {
        String id = runningOnA();
        b.logs(id, 1, 1, 2, "forged", false).statusCode(403).body("error", equalTo("forbidden"));
        a.logs(id, 2, 1, 2, "future", false).statusCode(403);
        a.logs("nosuchjob", 1, 1, 2, "x", false).statusCode(403);
        asUser().contentType(ContentType.JSON).body("{}").post("/api/v1/agents/wa/logs").then().statusCode(403);
        a.logs(id, 1, 0, 0, "zero", false).statusCode(400); // lines count from 1
    }

    @Test
    void aMigratedJobReadsAsOneLog() {
        String id = runningOnA();
        a.logs(id, 1, 1, 3, "tick", true);
        workers.put("wb", WorkerStatus.ONLINE, 2.0, 1);
        asUser().contentType(ContentType.JSON).body(Map.of("targetWorkerId", "wb"))
                .post("/api/v1/jobs/{id}/migrate", id).then().statusCode(200);
        var checkpoint = a.expect("CHECKPOINT");
        a.reportOk(checkpoint, "CHECKPOINTED", checkpointed(checkpoint, 1000));
        b.reportOk(b.expect("RESTORE"), "RESTORED");
        b.logs(id, 2, 1, 5, "tick", false); // lines 1-3 came with the checkpoint

        assertThat(text(id)).isEqualTo("[upc] epoch 1: started on pc-wa\ntick 1\ntick 2\ntick 3\n"
                + "[upc] epoch 2: restored on pc-wb from a checkpoint; continues after line 3\ntick 4\ntick 5\n");
    }

    @Test
    void aFollowerGetsNewLinesAsTheyComeAndTheEndWithTheJob() throws Exception {
        String id = runningOnA();
        a.logs(id, 1, 1, 2, "tick", false);
        String token = Api.token("alice", "user");
        HttpRequest follow = HttpRequest.newBuilder(base.resolve("/api/v1/jobs/" + id + "/logs?follow=true"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/plain").build();
        CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> response = HttpClient.newHttpClient()
                .sendAsync(follow, HttpResponse.BodyHandlers.ofLines());
        var lines = response.get(10, TimeUnit.SECONDS).body().iterator();
        assertThat(lines.next()).isEqualTo("[upc] epoch 1: started on pc-wa");
        assertThat(lines.next()).isEqualTo("tick 1");
        assertThat(lines.next()).isEqualTo("tick 2");

        a.logs(id, 1, 3, 3, "tick", false);
        assertThat(lines.next()).isEqualTo("tick 3"); // pushed, not polled for

        a.logs(id, 1, 4, 4, "tick", true);
        long started = System.nanoTime();
        a.reportOk(run, "EXITED", Map.of("exitCode", 0)); // the job ends: so does the follower's stream, whole
        assertThat(lines.next()).isEqualTo("tick 4");
        assertThat(lines.hasNext()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aPlacementsLogStopsAtItsCap() {
        String id = runningOnA();
        // the test profile caps a placement's log at 4 KiB: ~40 lines of ~60 bytes each
        var ack = a.logs(id, 1, 1, 200, "a line long enough to count for something, number", false)
                .statusCode(200).body("accepting", equalTo(false)).extract().jsonPath();
        long kept = ack.getLong("nextLine") - 1;
        assertThat(kept).isBetween(30L, 60L);
        a.logs(id, 1, kept + 1, kept + 5, "more", false).statusCode(200).body("accepting", equalTo(false));
        List<String> lines = text(id).lines().toList();
        assertThat(lines).hasSize((int) kept + 2);
        assertThat(lines.get(lines.size() - 1)).contains("reached its size cap");
    }
}
