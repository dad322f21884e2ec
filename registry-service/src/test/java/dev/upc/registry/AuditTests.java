package dev.upc.registry;

import static dev.upc.registry.testing.RegistryClient.asAdmin;
import static dev.upc.registry.testing.RegistryClient.heartbeat;
import static dev.upc.registry.testing.RegistryClient.registerNew;
import static dev.upc.registry.testing.RegistryClient.sendHeartbeat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.registry.testing.RegistryClient;
import dev.upc.servicetesting.AuditLines;
import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An enrolment, the worker token it issues and an admin's drain and removal are audited; heartbeats are not. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(SigningKeysResource.class)
class AuditTests {

    @Test
    void enrolmentAndAdminActsAreAuditedHeartbeatsAreNot() {
        try (AuditLines audit = AuditLines.capture()) {
            RegistryClient.Registered pc = registerNew();
            sendHeartbeat(pc.workerId(), pc.token(), heartbeat("IDLE")).statusCode(200);
            asAdmin().post("/api/v1/workers/{id}/drain", pc.workerId()).then().statusCode(200);
            asAdmin().delete("/api/v1/workers/{id}", pc.workerId()).then().statusCode(204);

            Map<String, Object> issued = audit.of("token.issue").get(0);
            assertThat(issued).containsEntry("actorKind", "anonymous").containsEntry("service", "upc-registry-service");
            assertThat(issued.get("token").toString()).contains("kind=worker", "subject=" + pc.workerId());
            assertThat(audit.lines().toString()).doesNotContain(pc.token()).doesNotContain(pc.credential());
            assertThat(audit.lines()).extracting(line -> line.get("actorKind") + " " + line.get("action") + " "
                    + line.get("status")).containsExactly(
                    "anonymous token.issue null",
                    "anonymous POST /api/v1/workers 200",
                    "admin POST /api/v1/workers/" + pc.workerId() + "/drain 200",
                    "admin DELETE /api/v1/workers/" + pc.workerId() + " 204");
        }
    }
}
