package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.asAdmin;
import static dev.upc.scheduler.testing.Api.asUser;
import static dev.upc.scheduler.testing.Api.getJob;
import static dev.upc.scheduler.testing.Api.job;
import static dev.upc.scheduler.testing.Api.submit;
import static dev.upc.scheduler.testing.Api.submitJob;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.upc.scheduler.testing.Api;
import dev.upc.scheduler.testing.SchedulerTest;
import dev.upc.servicetesting.PemKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class JobApiTests extends SchedulerTest {

    @Test
    void aSubmittedJobIsQueuedWithDefaultsAndHasAHistory() {
        var body = job("count");
        body.remove("maxRetries");
        body.remove("migratable");
        String id = submit(body).statusCode(201)
                .header("Location", containsString("/api/v1/jobs/"))
                .body("state", equalTo("QUEUED")).body("epoch", equalTo(0)).body("workerId", nullValue())
                .body("submission.maxRetries", equalTo(3)).body("submission.migratable", equalTo(true))
                .body("submission.checkpointIntervalValid", nullValue())
                .body("submittedAt", notNullValue())
                .extract().path("id");
        getJob(id).statusCode(200).body("id", equalTo(id)).body("submission.image", equalTo("localhost/upc/count:1"));
        asAdmin().get("/api/v1/jobs/{id}/events", id).then().statusCode(200)
                .body("jobId", equalTo(id)).body("events.type", equalTo(List.of("SUBMITTED")))
                .body("events[0].details.by", equalTo("alice"));
    }

    @Test
    void jobsAreListedAndFilteredByState() {
        String a = submitJob("a");
        String b = submitJob("b");
        asUser().delete("/api/v1/jobs/{id}", b).then().statusCode(200).body("state", equalTo("CANCELLED"));
        asUser().get("/api/v1/jobs").then().statusCode(200).body("jobs", hasSize(2));
        asUser().queryParam("state", "queued").get("/api/v1/jobs").then().statusCode(200)
                .body("jobs.id", equalTo(List.of(a)));
        asUser().queryParam("state", "CANCELLED").get("/api/v1/jobs").then().body("jobs.id", equalTo(List.of(b)));
        asUser().queryParam("state", "SLEEPING").get("/api/v1/jobs").then().statusCode(400)
                .body("error", equalTo("invalid_request"));
        asUser().queryParam("limit", 0).get("/api/v1/jobs").then().statusCode(400);
    }

    @Test
    void cancellingTwiceAndMigratingAQueuedJobConflict() {
        String id = submitJob("c");
        asUser().contentType(ContentType.JSON).body("{}").post("/api/v1/jobs/{id}/migrate", id).then().statusCode(409).body("error", equalTo("job_not_running"));
        asUser().delete("/api/v1/jobs/{id}", id).then().statusCode(200);
        asUser().delete("/api/v1/jobs/{id}", id).then().statusCode(409).body("status", equalTo(409))
                .body("error", equalTo("job_finished"));
        asUser().get("/api/v1/jobs/{id}/events", id).then().body("events.type", hasItem("CANCELLED"));
    }

    @Test
    void unknownJobsAreNotFound() {
        asUser().get("/api/v1/jobs/nope").then().statusCode(404).body("error", equalTo("job_not_found"));
        asUser().get("/api/v1/jobs/nope/events").then().statusCode(404).body("error", equalTo("job_not_found"));
        asUser().delete("/api/v1/jobs/nope").then().statusCode(404);
        asUser().contentType(ContentType.JSON).body("{}").post("/api/v1/jobs/nope/migrate").then().statusCode(404);
    }

    @Test
    void hostileBodiesAreRefusedWithAnErrorResponse() {
        rejected("{\"name\": \"x\",", "malformed_json");
        rejected("[]", null);
        rejected("null", null);
        Map<String, Object> unknown = job("x");
        unknown.put("privileged", true);
        submit(unknown).statusCode(400).body("error", equalTo("unknown_field"));
        invalid("cpus", 0);
        invalid("cpus", 65);
        invalid("cpus", "4");
        invalid("cpus", 1.5);
        invalid("memoryMiB", 8);
        invalid("memoryMiB", 2_000_000);
        invalid("checkpointIntervalSeconds", 10);
        invalid("checkpointIntervalSeconds", 100_000);
        invalid("maxRetries", 21);
        invalid("maxRetries", -1);
        invalid("workEstimate", -5.0);
        invalid("image", "UPPER/Case");
        invalid("image", "a b");
        invalid("image", "");
        invalid("image", "x".repeat(300));
        invalid("command", List.of());
        invalid("command", java.util.Collections.nCopies(300, "a"));
        invalid("name", "../etc");
        invalid("name", null);
        invalid("env", Map.of("1BAD", "x"));
        invalid("outputPath", "relative/path");
        // The service answers 413 from Content-Length alone and closes; a client still writing the 2 MiB then
        // fails with a broken pipe before it reads that answer. With Expect: 100-continue it waits for the answer.
        asUser().contentType(ContentType.JSON).header("Expect", "100-continue").body("x".repeat(2 * 1024 * 1024))
                .post("/api/v1/jobs").then().statusCode(413);
    }

    @Test
    void validEdgeValuesAreAccepted() {
        var body = job("edge");
        body.put("image", "registry.example.com:5000/team/app_x:v1.2-rc@sha256:" + "0".repeat(64));
        body.put("cpus", 64);
        body.put("memoryMiB", 16);
        body.put("checkpointIntervalSeconds", 30);
        body.put("maxRetries", 0);
        body.put("outputPath", "/out/result.txt");
        submit(body).statusCode(201).body("submission.checkpointIntervalSeconds", equalTo(30));
    }

    @Test
    void tokensAreChecked() {
        given().contentType(ContentType.JSON).body(job("x")).post("/api/v1/jobs").then().statusCode(401)
                .body("error", equalTo("unauthorized"));
        given().get("/api/v1/jobs").then().statusCode(401);
        String forged = Api.sign("mallory", "admin", Instant.now().plus(Duration.ofHours(1)),
                PemKeys.newRsaKeyPair().getPrivate());
        given().auth().oauth2(forged).get("/api/v1/jobs").then().statusCode(401).body("status", equalTo(401));
        String expired = Api.sign("alice", "user", Instant.now().minus(Duration.ofMinutes(5)), Api.clusterKey());
        given().auth().oauth2(expired).get("/api/v1/jobs").then().statusCode(401);
        given().auth().oauth2("garbage").get("/api/v1/jobs").then().statusCode(401);
        given().auth().oauth2(Api.token("w1", "worker")).get("/api/v1/jobs").then().statusCode(403)
                .body("error", equalTo("forbidden"));
        given().auth().oauth2(Api.token("w1", "worker")).contentType(ContentType.JSON).body(job("x"))
                .post("/api/v1/jobs").then().statusCode(403);
    }

    private static void rejected(String raw, String code) {
        var response = asUser().contentType(ContentType.JSON).body(raw).post("/api/v1/jobs").then().statusCode(400)
                .body("status", equalTo(400));
        if (code != null) {
            response.body("error", equalTo(code));
        }
    }

    private static void invalid(String field, Object value) {
        Map<String, Object> body = job("bad");
        body.put(field, value);
        submit(body).statusCode(400).body("status", equalTo(400)).body("error", notNullValue())
                .body("message", notNullValue());
    }
}
