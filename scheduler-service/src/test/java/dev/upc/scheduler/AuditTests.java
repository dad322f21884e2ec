package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.asAdmin;
import static dev.upc.scheduler.testing.Api.asUser;
import static dev.upc.scheduler.testing.Api.job;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.Tokens;
import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.testing.Api;
import dev.upc.scheduler.testing.SchedulerTest;
import dev.upc.servicetesting.AuditLines;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit trail names who issued which token and who asked for which change; a PC's protocol is not in it. */
@QuarkusTest
class AuditTests extends SchedulerTest {

    @Test
    void tokensAndChangesAreAuditedWithTheirActor() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 1);
        try (AuditLines audit = AuditLines.capture()) {
            String alice = Api.token("alice", Tokens.USER); // root adds alice: a change, and a user token issued
            String id = asUser("alice").contentType(ContentType.JSON).body(job("audited")).post("/api/v1/jobs").then()
                    .statusCode(201).extract().path("id");
            asUser("bob").delete("/api/v1/jobs/{id}", id).then().statusCode(404);
            asAdmin().delete("/api/v1/jobs/{id}", id).then().statusCode(200);
            given().auth().oauth2(Api.token("wa", Tokens.WORKER)).contentType(ContentType.JSON)
                    .body(Map.of("kind", "images", "id", "x", "operation", "read"))
                    .post("/api/v1/agents/wa/blob-tokens").then().statusCode(403);
            given().delete("/api/v1/jobs/{id}", id).then().statusCode(401);

            Map<String, Object> issued = audit.of("token.issue").get(0);
            assertThat(issued).containsEntry("actor", "root").containsEntry("actorKind", "admin")
                    .containsEntry("service", "upc-scheduler-service");
            @SuppressWarnings("unchecked") Map<String, Object> token = (Map<String, Object>) issued.get("token");
            assertThat(token).containsEntry("kind", "user").containsEntry("subject", "alice")
                    .containsKeys("jti", "expiresAt");
            assertThat(audit.lines().toString()).doesNotContain(alice);
            assertThat(audit.lines()).extracting(line -> line.get("actor") + " " + line.get("action") + " "
                    + line.get("status")).contains(
                    "root POST /api/v1/users 201",
                    "alice POST /api/v1/jobs 201",
                    "bob DELETE /api/v1/jobs/" + id + " 404",
                    "root DELETE /api/v1/jobs/" + id + " 200",
                    "- DELETE /api/v1/jobs/" + id + " 401");
            assertThat(audit.lines()).noneMatch(line -> String.valueOf(line.get("action")).contains("/agents/"));
            assertThat(audit.lines()).allSatisfy(line -> assertThat(line).containsKeys("at", "service", "actorKind"));
            assertThat(audit.of("POST /api/v1/jobs")).hasSize(1);
        }
    }
}
