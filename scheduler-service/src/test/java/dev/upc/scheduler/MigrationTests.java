package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.asUser;
import static dev.upc.scheduler.testing.Api.getJob;
import static dev.upc.scheduler.testing.Api.submitJob;
import static dev.upc.scheduler.testing.ScriptedAgent.checkpointed;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.OwnerState;
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
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MigrationTests extends SchedulerTest {

    @Inject
    MovableClock clock;

    private final ScriptedAgent a = new ScriptedAgent("wa");
    private final ScriptedAgent b = new ScriptedAgent("wb");

    /** A job RUNNING on wa (epoch 1); wb joins afterwards. */
    private String runningOnA(Map<String, Object> body) {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        String id = Api.submit(body).statusCode(201).extract().path("id");
        plan();
        a.reportOk(a.expect("RUN"), "STARTED");
        workers.put("wb", WorkerStatus.ONLINE, 2.0, 4);
        return id;
    }

    private void migrateTo(String id, String target) {
        asUser().contentType(ContentType.JSON).body(Map.of("targetWorkerId", target))
                .post("/api/v1/jobs/{id}/migrate", id).then().statusCode(200).body("state", equalTo("MIGRATING"));
    }

    @Test
    void aManualMigrationCheckpointsRestoresWithTheNextEpochAndCleansUpTheSource() throws Exception {
        String id = runningOnA(Api.job("move-me"));
        migrateTo(id, "wb");

        var checkpoint = a.expect("CHECKPOINT");
        assertThat(checkpoint).containsEntry("epoch", 1).containsEntry("blobId", id + "-1-1")
                .containsEntry("containerName", "upc-" + id + "-1").containsEntry("leaveRunning", false);
        assertThat(claims(checkpoint)).containsEntry("upc.blob", "checkpoints/" + id + "-1-1")
                .containsEntry("upc.op", java.util.List.of("read", "write")) // read: a restarted agent finds its upload
                .containsEntry("iss", "upc").containsEntry("sub", "wa");
        assertThat(a.reportOk(checkpoint, "CHECKPOINTED", checkpointed(checkpoint, 268_435_456L)).getString("outcome"))
                .isEqualTo("APPLIED");
        getJob(id).body("state", equalTo("MIGRATING")).body("epoch", equalTo(2)).body("workerId", equalTo("wb"));
        assertThat(a.poll(0)).isEmpty(); // the source keeps its stopped container until the target confirms

        var restore = b.expect("RESTORE");
        assertThat(restore).containsEntry("epoch", 2).containsEntry("containerName", "upc-" + id + "-2")
                .containsEntry("blobId", id + "-1-1")
                .as("the digest the source reported, for the target to hold the store to")
                .containsEntry("blobSha256", "a".repeat(64));
        assertThat(checkpoint).doesNotContainKey("blobSha256");
        assertThat(claims(restore)).containsEntry("upc.op", "read").containsEntry("sub", "wb");
        b.reportOk(restore, "RESTORED", Map.of("restoreMillis", 700, "transferMillis", 200, "imageMillis", 150));
        getJob(id).body("state", equalTo("RUNNING")).body("workerId", equalTo("wb")).body("epoch", equalTo(2))
                .body("checkpointBlobId", equalTo(id + "-1-1"));

        var cleanup = a.expect("CLEANUP");
        assertThat(cleanup).containsEntry("containerName", "upc-" + id + "-1").containsEntry("epoch", 1);
        a.reportOk(cleanup, "EXITED");

        JsonPath events = asUser().get("/api/v1/jobs/{id}/events", id).then().extract().jsonPath();
        assertThat(events.getList("events.type")).containsSubsequence("MIGRATION_STARTED", "CHECKPOINTED", "MIGRATED");
        Map<String, Object> migrated = events.getMap("events.find { it.type == 'MIGRATED' }.details");
        assertThat(migrated).containsEntry("from", "wa").containsEntry("to", "wb").containsEntry("reason", "MANUAL")
                .containsEntry("checkpointMillis", 900).containsEntry("sizeBytes", 268435456)
                .containsEntry("transferMillis", 500).containsEntry("restoreMillis", 700).containsKey("downtimeMillis")
                .containsEntry("uploadMillis", 300).containsEntry("imageMillis", 150)
                .containsEntry("downloadMillis", 200).containsKey("coordinationMillis");

        given().get("/q/metrics").then().body(containsString("upc_scheduler_migrations_total{reason=\"MANUAL\"}"))
                .body(containsString("upc_scheduler_migration_downtime_seconds_count"));
    }

    @Test
    void theTargetPrefetchesWhileTheSourceCheckpointsAndItsAnswerChangesNothing() throws Exception {
        String id = runningOnA(Api.job("prefetched"));
        migrateTo(id, "wb");

        var prefetch = b.expect("PREFETCH");
        assertThat(prefetch).containsEntry("epoch", 2).containsEntry("containerName", "upc-" + id + "-2")
                .containsEntry("blobId", id + "-1-1").containsKey("job");
        assertThat(claims(prefetch)).containsEntry("upc.blob", "checkpoints/" + id + "-1-1")
                .containsEntry("upc.op", "read").containsEntry("sub", "wb");
        assertThat(b.reportOk(prefetch, "ACCEPTED").getString("outcome")).isEqualTo("APPLIED");
        b.report(prefetch, "STARTED", Map.of()).statusCode(400); // not an answer to a PREFETCH
        getJob(id).body("state", equalTo("MIGRATING")).body("epoch", equalTo(1)).body("workerId", equalTo("wa"));
        assertThat(b.poll(0)).as("answered: not delivered again").isEmpty();

        var checkpoint = a.expect("CHECKPOINT");
        a.reportOk(checkpoint, "CHECKPOINTED", checkpointed(checkpoint, 1000));
        assertThat(b.poll(0)).extracting(c -> c.get("type")).containsExactly("RESTORE");
    }

    @Test
    void anUnansweredPrefetchIsWithdrawnOnceItsMigrationMovesOn() {
        String id = runningOnA(Api.job("withdrawn"));
        migrateTo(id, "wb");
        assertThat(b.poll(0)).extracting(c -> c.get("type")).containsExactly("PREFETCH");

        var checkpoint = a.expect("CHECKPOINT");
        a.reportOk(checkpoint, "FAILED", Map.of("reason", "criu: dump failed"));
        getJob(id).body("state", equalTo("RUNNING")).body("workerId", equalTo("wa"));
        assertThat(b.poll(0)).as("the source runs on: nothing for the target to fetch").isEmpty();

        migrateTo(id, "wb"); // again, in the same epoch: only the new migration's PREFETCH
        assertThat(b.poll(0)).extracting(c -> c.get("type"), c -> c.get("blobId"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("PREFETCH", id + "-1-2"));
    }

    @Test
    void progressAddsUpAcrossPlacementsThoughEachContainerCountsFromZero() {
        String id = runningOnA(Api.job("lineage"));
        migrateTo(id, "wb");
        var checkpoint = a.expect("CHECKPOINT");
        a.reportOk(checkpoint, "CHECKPOINTED", checkpointed(checkpoint, 1000)); // 42 CPU seconds on A
        var restore = b.expect("RESTORE");
        b.reportOk(restore, "RESTORED", Map.of("restoreMillis", 700, "transferMillis", 200));
        getJob(id).body("cpuSeconds", equalTo(42.0f));

        b.reportOk(restore, "EXITED", Map.of("exitCode", 0, "cpuSeconds", 8.0)); // B's container: 8 since the restore

        getJob(id).body("state", equalTo("SUCCEEDED")).body("cpuSeconds", equalTo(50.0f));
    }

    @Test
    void aFailedRestoreRollsBackToTheSource() {
        String id = runningOnA(Api.job("rollback"));
        migrateTo(id, "wb");
        var checkpoint = a.expect("CHECKPOINT");
        a.reportOk(checkpoint, "CHECKPOINTED", checkpointed(checkpoint, 1000));
        var restore = b.expect("RESTORE");
        var reply = b.reportOk(restore, "FAILED", Map.of("reason", "criu: restore failed"));
        assertThat(reply.getList("commands.type")).containsExactly("CLEANUP");
        assertThat(reply.getList("commands.containerName")).containsExactly("upc-" + id + "-2");
        getJob(id).body("state", equalTo("MIGRATING")).body("workerId", equalTo("wa")).body("epoch", equalTo(3));

        var back = a.expect("RESTORE");
        assertThat(back).containsEntry("epoch", 3).containsEntry("containerName", "upc-" + id + "-3")
                .containsEntry("blobId", id + "-1-1");
        a.reportOk(back, "RESTORED", Map.of("restoreMillis", 500));
        getJob(id).body("state", equalTo("RUNNING")).body("workerId", equalTo("wa")).body("epoch", equalTo(3));
        assertThat(a.expect("CLEANUP")).containsEntry("containerName", "upc-" + id + "-1");
        asUser().get("/api/v1/jobs/{id}/events", id).then()
                .body("events.find { it.type == 'MIGRATION_FAILED' }.details.rolledBackTo", equalTo("wa"));
    }

    @Test
    void migratingToAnUnknownOrUnavailableWorkerConflicts() {
        String id = runningOnA(Api.job("nowhere"));
        asUser().contentType(ContentType.JSON).body(Map.of("targetWorkerId", "ghost"))
                .post("/api/v1/jobs/{id}/migrate", id).then().statusCode(409).body("error", equalTo("unknown_worker"));
        asUser().contentType(ContentType.JSON).body(Map.of("targetWorkerId", "wa"))
                .post("/api/v1/jobs/{id}/migrate", id).then().statusCode(409).body("error", equalTo("same_worker"));
        workers.status("wb", WorkerStatus.LOST);
        asUser().contentType(ContentType.JSON).body(Map.of("targetWorkerId", "wb"))
                .post("/api/v1/jobs/{id}/migrate", id).then().statusCode(409).body("error", equalTo("worker_unavailable"));
        asUser().contentType(ContentType.JSON).body("{}").post("/api/v1/jobs/{id}/migrate", id).then()
                .statusCode(409).body("error", equalTo("no_target"));
        getJob(id).body("state", equalTo("RUNNING"));
    }

    @Test
    void aLostWorkersJobRestoresFromItsNewestCheckpointElsewhere() {
        var body = Api.job("periodic");
        body.put("checkpointIntervalSeconds", 30);
        String id = runningOnA(body);
        workers.clear();
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        clock.advance(Duration.ofSeconds(31));
        assertThat(plan().checkpoints()).hasSize(1);
        var checkpoint = a.expect("CHECKPOINT");
        assertThat(checkpoint).containsEntry("leaveRunning", true);
        a.reportOk(checkpoint, "CHECKPOINTED", checkpointed(checkpoint, 4096));
        getJob(id).body("state", equalTo("RUNNING")).body("checkpointBlobId", equalTo(id + "-1-1"));

        workers.status("wa", WorkerStatus.LOST);
        workers.put("wb", WorkerStatus.ONLINE, 2.0, 4);
        var decisions = plan();
        assertThat(decisions.recoveries()).hasSize(1);
        assertThat(decisions.recoveries().get(0).fromCheckpoint()).isTrue();
        getJob(id).body("state", equalTo("PLACED")).body("workerId", equalTo("wb")).body("epoch", equalTo(2))
                .body("retries", equalTo(1));
        var restore = b.expect("RESTORE");
        assertThat(restore).containsEntry("blobId", id + "-1-1").containsEntry("containerName", "upc-" + id + "-2");
        assertThat(a.expect("KILL")).containsEntry("containerName", "upc-" + id + "-1"); // if it ever comes back
        b.reportOk(restore, "RESTORED");
        getJob(id).body("state", equalTo("RUNNING"));
    }

    @Test
    void aLostWorkersJobWithoutCheckpointStartsAgainFromScratch() {
        String id = runningOnA(Api.job("restart"));
        workers.clear();
        workers.put("wa", WorkerStatus.LOST, 1.0, 4);
        workers.put("wb", WorkerStatus.ONLINE, 2.0, 4);
        plan();
        getJob(id).body("state", equalTo("PLACED")).body("workerId", equalTo("wb")).body("retries", equalTo(1));
        var run = b.expect("RUN");
        assertThat(run).containsEntry("epoch", 2);
        asUser().get("/api/v1/jobs/{id}/events", id).then().body("events.type", hasItems("RECOVERED", "PLACED"))
                .body("events.find { it.type == 'RECOVERED' }.details.fromCheckpoint", equalTo(false));
    }

    @Test
    void aLostWorkersJobWithoutRetriesFails() {
        var body = Api.job("fragile");
        body.put("maxRetries", 0);
        String id = runningOnA(body);
        workers.status("wa", WorkerStatus.LOST);
        plan();
        getJob(id).body("state", equalTo("FAILED")).body("reason", containsString("lost"));
    }

    @Test
    void anOwnerComingBackEvictsTheJobToTheQueueWithItsCheckpoint() {
        String id = runningOnA(Api.job("evict"));
        workers.clear();
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4, OwnerState.ACTIVE, DesiredState.ACTIVE);
        assertThat(plan().evictions()).hasSize(1);
        var checkpoint = a.expect("CHECKPOINT");
        var reply = a.reportOk(checkpoint, "CHECKPOINTED", checkpointed(checkpoint, 2048));
        assertThat(reply.getList("commands.type")).containsExactly("CLEANUP");
        getJob(id).body("state", equalTo("QUEUED")).body("checkpointBlobId", equalTo(id + "-1-1"));
        workers.put("wb", WorkerStatus.ONLINE, 1.0, 4);
        plan();
        assertThat(b.expect("RESTORE")).containsEntry("blobId", id + "-1-1").containsEntry("epoch", 2);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> claims(Map<String, Object> command) throws Exception {
        String token = (String) command.get("capabilityToken");
        assertThat(token).isNotNull();
        assertThat(command.get("capabilityExpiresAt")).isNotNull();
        byte[] payload = Base64.getUrlDecoder().decode(token.split("\\.")[1]);
        return new ObjectMapper().readValue(payload, Map.class);
    }
}
