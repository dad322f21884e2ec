package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.getJob;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.testing.Api;
import dev.upc.scheduler.testing.CheckpointStoreProcessResource;
import dev.upc.scheduler.testing.ScriptedAgent;
import dev.upc.scheduler.testing.StoreBackedTest;
import dev.upc.servicetesting.MovableClock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scheduler prunes checkpoints in the real, packaged checkpoint store (its own process, sharing the cluster key):
 * a newer checkpoint makes the older ones go, the job's end all of them.
 */
@QuarkusTest
class CheckpointPruningTests extends StoreBackedTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    MovableClock clock;

    private final ScriptedAgent agent = new ScriptedAgent("wa");

    private static String admin() {
        return Api.token("root", "admin");
    }

    private static int status(String blobId) {
        return given().baseUri(CheckpointStoreProcessResource.base().toString()).auth().oauth2(admin())
                .head("/api/v1/blobs/checkpoints/{id}", blobId).then().extract().statusCode();
    }

    /** The next periodic checkpoint, written to the store as the agent would and reported. */
    private String checkpoint() {
        clock.advance(Duration.ofSeconds(61));
        plan();
        var command = agent.expect("CHECKPOINT");
        String blobId = (String) command.get("blobId");
        given().baseUri(CheckpointStoreProcessResource.base().toString()).auth().oauth2((String) command.get("capabilityToken"))
                .contentType("application/octet-stream").body(("archive " + blobId).getBytes())
                .put("/api/v1/blobs/checkpoints/{id}", blobId).then().statusCode(org.hamcrest.Matchers.lessThan(300));
        agent.reportOk(command, "CHECKPOINTED", ScriptedAgent.checkpointed(command, 20));
        return blobId;
    }

    private static void await(String blobId, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (status(blobId) != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(status(blobId)).as(blobId).isEqualTo(expected);
    }

    @Test
    void olderCheckpointsGoWhenANewerOneIsRecordedAndAllWhenTheJobEnds() throws Exception {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        var body = Api.job("pruned");
        body.put("checkpointIntervalSeconds", 60);
        String id = Api.submit(body).statusCode(201).extract().path("id");
        plan();
        var run = agent.expect("RUN");
        agent.reportOk(run, "STARTED");

        String first = checkpoint();
        Thread.sleep(300);
        assertThat(status(first)).isEqualTo(200); // the newest stays
        String second = checkpoint();
        await(first, 404);
        assertThat(status(second)).isEqualTo(200);
        getJob(id).body("checkpointBlobId", equalTo(second));

        agent.reportOk(run, "EXITED", Map.of("exitCode", 0));
        getJob(id).body("state", equalTo("SUCCEEDED"));
        await(second, 404);
    }

    @Test
    void aCancelledJobLosesItsCheckpoints() throws Exception {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        var body = Api.job("cancelled");
        body.put("checkpointIntervalSeconds", 60);
        String id = Api.submit(body).statusCode(201).extract().path("id");
        plan();
        agent.reportOk(agent.expect("RUN"), "STARTED");
        String only = checkpoint();
        Api.asUser().delete("/api/v1/jobs/{id}", id).then().statusCode(200);
        await(only, 404);
    }
}
