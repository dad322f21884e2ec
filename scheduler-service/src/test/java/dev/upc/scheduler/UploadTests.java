package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.asAdmin;
import static dev.upc.scheduler.testing.Api.asUser;
import static dev.upc.scheduler.testing.Api.job;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.upc.protocol.ImageArchive;
import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.testing.Api;
import dev.upc.scheduler.testing.CheckpointStoreProcessResource;
import dev.upc.scheduler.testing.ScriptedAgent;
import dev.upc.scheduler.testing.StoreBackedTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Images, input files and outputs go through the real packaged store: grants for exactly one blob, a user's own name
 * space, immutable images, content-addressed inputs, and a job refused at submission when what it needs is missing.
 */
@QuarkusTest
class UploadTests extends StoreBackedTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private static int put(String url, String token, byte[] content, Map<String, String> headers) {
        return given().auth().oauth2(token).headers(headers).contentType("application/octet-stream").body(content)
                .put(url).then().extract().statusCode();
    }

    private static io.restassured.response.ValidatableResponse grantImage(String user, String reference) {
        var request = user == null ? asAdmin() : asUser(user);
        return request.contentType(ContentType.JSON).body(Map.of("reference", reference))
                .post("/api/v1/images/uploads").then();
    }

    private static io.restassured.response.ValidatableResponse recordImage(String user, String reference) {
        var request = user == null ? asAdmin() : asUser(user);
        return request.contentType(ContentType.JSON).body(Map.of("reference", reference)).post("/api/v1/images").then();
    }

    @Test
    void aUserPushesAnImageIntoItsOwnNameSpaceOnceAndJobsMayUseIt() throws Exception {
        String reference = "localhost/alice/solver:1";
        byte[] archive = "a docker archive".getBytes(StandardCharsets.UTF_8);
        var grant = grantImage("alice", reference).statusCode(200).body("kind", equalTo("images"))
                .body("blobId", equalTo(ImageArchive.blobId(reference))).body("present", equalTo(false))
                .body("url", containsString(CheckpointStoreProcessResource.base().toString())).extract().jsonPath();
        recordImage("alice", reference).statusCode(409).body("error", equalTo("image_not_uploaded"));
        assertThat(put(grant.getString("url"), grant.getString("token"), archive, Map.of())).isEqualTo(201);
        // the grant is for that one blob: nothing else
        assertThat(put(grant.getString("url").replace("solver", "other"), grant.getString("token"), archive, Map.of()))
                .isEqualTo(403);

        recordImage("alice", reference).statusCode(201).body("owner", equalTo("alice"))
                .body("sha256", equalTo(sha256(archive))).body("sizeBytes", equalTo(archive.length));
        recordImage("alice", reference).statusCode(201); // the same content again: fine
        grantImage("alice", reference).statusCode(409).body("error", equalTo("image_exists"));
        asUser("bob").get("/api/v1/images").then().statusCode(200).body("images.reference", hasItem(reference));

        var body = job("solve");
        body.put("image", reference);
        asUser("alice").contentType(ContentType.JSON).body(body).post("/api/v1/jobs").then().statusCode(201);
    }

    @Test
    void aUserCannotPushIntoAnotherNameSpaceAnAdminAnywhere() {
        grantImage("alice", "localhost/bob/solver:1").statusCode(403).body("error", equalTo("forbidden"));
        grantImage("alice", "solver:1").statusCode(403);
        grantImage("alice", "registry.lab:5000/bob/x:1").statusCode(403);
        grantImage("alice", "alice/solver:2").statusCode(200);
        grantImage(null, "localhost/upc/counter:1").statusCode(200);
        grantImage("alice", "NOT A REFERENCE").statusCode(400);
    }

    @Test
    void aJobWhoseImageOrInputIsMissingIsRefusedNamingIt() throws Exception {
        var ghost = job("ghost");
        ghost.put("image", "localhost/alice/ghost:1"); // never pushed
        asUser("alice").contentType(ContentType.JSON).body(ghost).post("/api/v1/jobs").then().statusCode(400)
                .body("error", equalTo("image_missing")).body("message", containsString("localhost/alice/ghost:1"));

        byte[] data = "1,2,3\n".getBytes(StandardCharsets.UTF_8);
        String sha = sha256(data);
        var withInput = job("with-input");
        withInput.put("inputs", List.of(Map.of("path", "/job/data.csv", "sha256", sha, "sizeBytes", data.length)));
        asUser("alice").contentType(ContentType.JSON).body(withInput).post("/api/v1/jobs").then().statusCode(400)
                .body("error", equalTo("input_missing")).body("message", containsString("/job/data.csv"));

        var grant = asUser("alice").contentType(ContentType.JSON).body(Map.of("sha256", sha, "sizeBytes", data.length))
                .post("/api/v1/inputs/uploads").then().statusCode(200).body("kind", equalTo("inputs"))
                .body("blobId", equalTo("alice-" + sha)).extract().jsonPath();
        assertThat(put(grant.getString("url"), grant.getString("token"), "tampered".getBytes(),
                Map.of("X-Upc-Sha256", sha))).isEqualTo(422);
        assertThat(put(grant.getString("url"), grant.getString("token"), data, Map.of("X-Upc-Sha256", sha)))
                .isEqualTo(201);
        asUser("alice").contentType(ContentType.JSON).body(Map.of("sha256", sha, "sizeBytes", data.length))
                .post("/api/v1/inputs/uploads").then().statusCode(200).body("present", equalTo(true))
                .body("token", nullValue());

        String id = asUser("alice").contentType(ContentType.JSON).body(withInput).post("/api/v1/jobs").then()
                .statusCode(201).body("submission.inputs[0].blobId", equalTo("alice-" + sha))
                .body("submission.inputs[0].mode", equalTo(0644)).extract().path("id");
        // bob uploaded nothing: the same content is not his to use
        asUser("bob").contentType(ContentType.JSON).body(withInput).post("/api/v1/jobs").then().statusCode(400)
                .body("error", equalTo("input_missing"));
        var twice = job("twice");
        twice.put("inputs", List.of(Map.of("path", "/a", "sha256", sha, "sizeBytes", data.length),
                Map.of("path", "/a", "sha256", sha, "sizeBytes", data.length)));
        asUser("alice").contentType(ContentType.JSON).body(twice).post("/api/v1/jobs").then().statusCode(400);
        var escaping = job("escape");
        escaping.put("inputs", List.of(Map.of("path", "/job/../etc/passwd", "sha256", sha, "sizeBytes", 6)));
        asUser("alice").contentType(ContentType.JSON).body(escaping).post("/api/v1/jobs").then().statusCode(400);

        // the agent the job lands on may read the input, no other
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        plan();
        ScriptedAgent a = new ScriptedAgent("wa");
        assertThat(a.poll(1)).extracting(c -> c.get("jobId")).contains(id);
        Map<String, Object> ask = Map.of("kind", "inputs", "id", "alice-" + sha, "operation", "read");
        given().auth().oauth2(a.token()).contentType(ContentType.JSON).body(ask)
                .post("/api/v1/agents/wa/blob-tokens").then().statusCode(200).body("token", notNullValue());
        ScriptedAgent b = new ScriptedAgent("wb");
        given().auth().oauth2(b.token()).contentType(ContentType.JSON).body(ask)
                .post("/api/v1/agents/wb/blob-tokens").then().statusCode(403);
    }

    @Test
    void theOwnerGetsTheOutputOfAJobThatExitedWithOne() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 4);
        var body = job("produces");
        body.put("outputPath", "/out");
        String id = asUser("alice").contentType(ContentType.JSON).body(body).post("/api/v1/jobs").then()
                .statusCode(201).extract().path("id");
        asUser("alice").get("/api/v1/jobs/{id}/output", id).then().statusCode(404).body("error", equalTo("no_output"))
                .body("message", containsString("has not exited"));
        plan();
        ScriptedAgent a = new ScriptedAgent("wa");
        var run = a.expect("RUN");
        a.reportOk(run, "STARTED");
        String blob = id + "-1";
        String token = given().auth().oauth2(a.token()).contentType(ContentType.JSON)
                .body(Map.of("kind", "outputs", "id", blob, "operation", "write"))
                .post("/api/v1/agents/wa/blob-tokens").then().statusCode(200).extract().path("token");
        byte[] tar = "pretend this is a tar".getBytes(StandardCharsets.UTF_8);
        assertThat(put(CheckpointStoreProcessResource.base() + "/api/v1/blobs/outputs/" + blob, token, tar, Map.of()))
                .isEqualTo(201);
        a.reportOk(run, "EXITED", Map.of("exitCode", 0, "outputBlobId", blob));

        asUser("alice").get("/api/v1/jobs/{id}", id).then().body("hasOutput", equalTo(true));
        var response = asUser("alice").get("/api/v1/jobs/{id}/output", id);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/x-tar");
        byte[] got = response.asByteArray();
        assertThat(got).isEqualTo(tar);
        asUser("bob").get("/api/v1/jobs/{id}/output", id).then().statusCode(404).body("error", equalTo("job_not_found"));
    }
}
