package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.asUser;
import static dev.upc.scheduler.testing.Api.submitJob;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.protocol.ImageArchive;
import dev.upc.protocol.JobOutput;
import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.testing.Api;
import dev.upc.scheduler.testing.SchedulerTest;
import dev.upc.scheduler.testing.ScriptedAgent;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.smallrye.jwt.auth.principal.JWTParser;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

@QuarkusTest
class BlobTokenTests extends SchedulerTest {

    private static final String IMAGE = ImageArchive.blobId("localhost/upc/count:1");

    @Inject
    JWTParser jwt;

    private final ScriptedAgent a = new ScriptedAgent("wa");
    private final ScriptedAgent b = new ScriptedAgent("wb");

    /** A job placed on wa in epoch 1 (RUN delivered and STARTED). */
    private String runningOnA() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        String id = submitJob("tokens");
        plan();
        a.reportOk(a.expect("RUN"), "STARTED");
        return id;
    }

    private static ValidatableResponse ask(ScriptedAgent agent, String workerId, Object body) {
        return given().auth().oauth2(agent.token()).contentType(ContentType.JSON).body(body)
                .post("/api/v1/agents/{id}/blob-tokens", workerId).then();
    }

    private static ValidatableResponse ask(ScriptedAgent agent, String kind, String id, String operation) {
        return ask(agent, agent.id(), Map.of("kind", kind, "id", id, "operation", operation));
    }

    private JsonWebToken verified(ValidatableResponse granted) throws Exception {
        String token = granted.statusCode(200).extract().path("token");
        // signature, issuer and expiry with the cluster's public key, and the audience: the store's, not ours
        var context = new io.smallrye.jwt.auth.principal.JWTAuthContextInfo(
                org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getValue("mp.jwt.verify.publickey.location", String.class), "upc");
        context.setExpectedAudience(java.util.Set.of(dev.upc.protocol.Tokens.AUDIENCE_STORE));
        return jwt.parse(token, context);
    }

    @Test
    void theImageOfAJobOnTheWorkerMayBeRead() throws Exception {
        runningOnA();
        var granted = ask(a, "images", IMAGE, "read");
        granted.statusCode(200).body("kind", equalTo("images")).body("id", equalTo(IMAGE))
                .body("operation", equalTo("read"));
        JsonWebToken token = verified(granted);
        assertThat(token.<Object>getClaim("upc.blob").toString()).isEqualTo("images/" + IMAGE);
        assertThat(token.<Object>getClaim("upc.op").toString()).isEqualTo("read");
        assertThat(token.getSubject()).isEqualTo("wa");
        assertThat(Instant.ofEpochSecond(token.getExpirationTime())).isAfter(Instant.now())
                .isBefore(Instant.now().plusSeconds(16 * 60));
    }

    @Test
    void theOutputOfTheCurrentEpochMayBeWritten() throws Exception {
        String id = runningOnA();
        JsonWebToken output = verified(ask(a, "outputs", JobOutput.blobId(id, 1), "write"));
        assertThat(output.<Object>getClaim("upc.blob").toString()).isEqualTo("outputs/" + id + "-1");
        assertThat(output.<Object>getClaim("upc.op").toString()).isEqualTo("write");
        ask(a, "outputs", id + "-1.log", "write").statusCode(403); // the log goes to the scheduler, not the store
    }

    @Test
    void aMigrationTargetMayReadTheImageBeforeItRestores() {
        String id = runningOnA();
        workers.put("wb", WorkerStatus.ONLINE, 2.0, 4);
        ask(b, "images", IMAGE, "read").statusCode(403); // nothing of wb's yet
        asUser().contentType(ContentType.JSON).body(Map.of("targetWorkerId", "wb"))
                .post("/api/v1/jobs/{id}/migrate", id).then().statusCode(200);
        ask(b, "images", IMAGE, "read").statusCode(200);
        ask(b, "outputs", JobOutput.blobId(id, 1), "write").statusCode(403); // the job does not run on wb
    }

    @Test
    void everythingElseIsForbidden() {
        String id = runningOnA();
        workers.put("wb", WorkerStatus.ONLINE, 2.0, 4);
        ask(a, "images", IMAGE, "write").statusCode(403).body("error", equalTo("forbidden"))
                .body("status", equalTo(403));
        ask(a, "images", ImageArchive.blobId("localhost/other:1"), "read").statusCode(403);
        ask(b, "images", IMAGE, "read").statusCode(403);
        ask(a, "outputs", JobOutput.blobId(id, 1), "read").statusCode(403);
        ask(a, "outputs", JobOutput.blobId(id, 2), "write").statusCode(403);
        ask(a, "outputs", JobOutput.blobId(id, 0), "write").statusCode(403);
        ask(b, "outputs", JobOutput.blobId(id, 1), "write").statusCode(403);
        ask(a, "outputs", "other-1", "write").statusCode(403);
        ask(a, "checkpoints", id + "-1-1", "read").statusCode(403);
        ask(a, "checkpoints", id + "-1-1", "write").statusCode(403);
        // another worker's token, and tokens that are not a worker's
        ask(b, "wa", Map.of("kind", "images", "id", IMAGE, "operation", "read")).statusCode(403);
        given().auth().oauth2(Api.token("root", "admin")).contentType(ContentType.JSON)
                .body(Map.of("kind", "images", "id", IMAGE, "operation", "read"))
                .post("/api/v1/agents/wa/blob-tokens").then().statusCode(403);
        given().contentType(ContentType.JSON).body(Map.of("kind", "images", "id", IMAGE, "operation", "read"))
                .post("/api/v1/agents/wa/blob-tokens").then().statusCode(401);
    }

    @Test
    void aFinishedJobsBlobsAreForbidden() {
        String id = runningOnA();
        ask(a, "outputs", JobOutput.blobId(id, 1), "write").statusCode(200);
        asUser().delete("/api/v1/jobs/{id}", id).then().statusCode(200);
        ask(a, "outputs", JobOutput.blobId(id, 1), "write").statusCode(403);
        ask(a, "images", IMAGE, "read").statusCode(403);
    }

    @Test
    void aMalformedRequestIs400() {
        runningOnA();
        ask(a, "wa", Map.of("kind", "bogus", "id", IMAGE, "operation", "read")).statusCode(400);
        ask(a, "wa", Map.of("kind", "images", "id", "../etc/passwd", "operation", "read")).statusCode(400);
        ask(a, "wa", Map.of("kind", "images", "id", IMAGE, "operation", "delete")).statusCode(400);
        ask(a, "wa", Map.of("kind", "images", "id", IMAGE)).statusCode(400);
        ask(a, "wa", Map.of("id", IMAGE, "operation", "read")).statusCode(400);
        ask(a, "wa", "{not json").statusCode(400).body("status", equalTo(400));
        given().auth().oauth2(a.token()).contentType(ContentType.JSON).post("/api/v1/agents/wa/blob-tokens").then()
                .statusCode(400);
    }
}
