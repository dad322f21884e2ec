package dev.upc.registry;

import static dev.upc.registry.testing.RegistryClient.asAdmin;
import static dev.upc.registry.testing.RegistryClient.heartbeat;
import static dev.upc.registry.testing.RegistryClient.register;
import static dev.upc.registry.testing.RegistryClient.registerAgain;
import static dev.upc.registry.testing.RegistryClient.registration;
import static dev.upc.registry.testing.RegistryClient.sendHeartbeat;
import static dev.upc.registry.testing.RegistryClient.uniqueMachineId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.upc.registry.testing.RegistryClient;
import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * With {@code upc.registry.approve-new-workers} on, the join token alone gets a PC nothing: it enrols drained and
 * waits until an admin approves it; an undrain cannot stand in for the approval, a worker cannot approve itself, and
 * a PC approved once stays approved when it registers again.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(SigningKeysResource.class)
@WithTestResource(WorkerApprovalTests.ApprovalOn.class)
class WorkerApprovalTests {

    @Test
    void aNewPcWaitsDrainedUntilAnAdminApprovesIt() {
        Map<String, Object> body = registration(uniqueMachineId());
        var enrolled = register(body).statusCode(200).body("desiredState", equalTo("DRAIN")).extract();
        String workerId = enrolled.path("workerId");
        String token = enrolled.path("workerToken");
        String credential = enrolled.path("credential");

        sendHeartbeat(workerId, token, heartbeat("IDLE")).statusCode(200).body("desiredState", equalTo("DRAIN"));
        asAdmin().get("/api/v1/workers/{id}", workerId).then().statusCode(200)
                .body("approved", equalTo(false)).body("desiredState", equalTo("DRAIN"));
        asAdmin().post("/api/v1/workers/{id}/undrain", workerId).then().statusCode(409)
                .body("error", equalTo("not_approved")).body("message", containsString("upc workers approve"));
        given().auth().oauth2(token).post("/api/v1/workers/{id}/approve", workerId).then().statusCode(403);

        asAdmin().post("/api/v1/workers/{id}/approve", workerId).then().statusCode(200)
                .body("approved", equalTo(true)).body("desiredState", equalTo("ACTIVE"));
        sendHeartbeat(workerId, token, heartbeat("IDLE")).statusCode(200).body("desiredState", equalTo("ACTIVE"));
        asAdmin().post("/api/v1/workers/{id}/approve", workerId).then().statusCode(200); // idempotent

        RegistryClient.Registered again = registerAgain(body, credential);
        asAdmin().get("/api/v1/workers/{id}", again.workerId()).then().body("approved", equalTo(true))
                .body("desiredState", equalTo("ACTIVE"));
    }

    /**
     * A worker enrolled before PCs had credentials is claimed by its next registration with the join token alone; who
     * holds the join token and that machine id could be anyone, so the claimed worker waits for an admin again.
     */
    @Test
    void aWorkerClaimedWithoutACredentialWaitsForApprovalAgain() throws Exception {
        Map<String, Object> body = registration(uniqueMachineId());
        String workerId = register(body).statusCode(200).extract().path("workerId");
        asAdmin().post("/api/v1/workers/{id}/approve", workerId).then().statusCode(200);
        try (Connection db = DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class),
                ConfigProvider.getConfig().getValue("quarkus.datasource.username", String.class),
                ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
             PreparedStatement legacy = db.prepareStatement(
                     "UPDATE workers SET credential_sha256 = NULL WHERE id = ?")) {
            legacy.setString(1, workerId);
            assertThat(legacy.executeUpdate()).isEqualTo(1);
        }

        register(body).statusCode(200).body("workerId", equalTo(workerId)).body("credential", notNullValue())
                .body("desiredState", equalTo("DRAIN"));
        asAdmin().get("/api/v1/workers/{id}", workerId).then().body("approved", equalTo(false));
    }

    @Test
    void approvingAWorkerThatDoesNotExistIs404() {
        asAdmin().post("/api/v1/workers/{id}/approve", "wnosuchworker1").then().statusCode(404);
    }

    /** The registry as a lab runs it: new PCs wait for an admin. */
    public static class ApprovalOn implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("upc.registry.approve-new-workers", "true");
        }

        @Override
        public void stop() {
        }
    }
}
