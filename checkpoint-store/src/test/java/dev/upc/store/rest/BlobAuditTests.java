package dev.upc.store.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.servicetesting.AuditLines;
import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.store.testing.TokenMint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An operator's blob uploads and deletions are on the audit trail; an agent's capability upload is not. */
@QuarkusTest
@WithTestResource(SigningKeysResource.class)
class BlobAuditTests {

    @Test
    void anAdminsPutAndDeleteAreAuditedACapabilitysPutIsNot() {
        TokenMint mint = TokenMint.ofTestApplication();
        String byAdmin = "/api/v1/blobs/checkpoints/job-" + UUID.randomUUID() + "-1-1";
        String byAgent = "checkpoints/job-" + UUID.randomUUID() + "-1-1";
        try (AuditLines audit = AuditLines.capture()) {
            given().auth().oauth2(mint.admin()).body(bytes()).put(byAdmin).then().statusCode(201);
            given().auth().oauth2(mint.admin()).delete(byAdmin).then().statusCode(204);
            given().auth().oauth2(mint.capability(byAgent, "write")).body(bytes()).put("/api/v1/blobs/" + byAgent)
                    .then().statusCode(201);

            // Each line is written as its answer's head goes out: in the order the answers came.
            assertThat(audit.lines()).extracting(line -> line.get("actorKind") + " " + line.get("action") + " "
                    + line.get("status")).containsExactly("admin PUT " + byAdmin + " 201", "admin DELETE " + byAdmin
                    + " 204");
            assertThat(audit.lines()).allSatisfy(line -> assertThat(line).containsEntry("actor", "test-admin")
                    .containsEntry("service", "upc-checkpoint-store"));
        }
    }

    private static byte[] bytes() {
        return "payload".getBytes(StandardCharsets.UTF_8);
    }
}
