package dev.upc.registry;

import static dev.upc.registry.testing.RegistryClient.asAdmin;
import static dev.upc.registry.testing.RegistryClient.heartbeat;
import static dev.upc.registry.testing.RegistryClient.registerNew;
import static dev.upc.registry.testing.RegistryClient.registration;
import static dev.upc.registry.testing.RegistryClient.sendHeartbeat;
import static dev.upc.registry.testing.RegistryClient.uniqueMachineId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.upc.registry.testing.RegistryClient;
import dev.upc.servicetesting.PemKeys;
import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(SigningKeysResource.class)
class HeartbeatTests {

    @Test
    void aHeartbeatIsAnsweredWithTheDesiredStateAndKeptAsTheLatestReport() {
        var worker = registerNew();
        sendHeartbeat(worker.workerId(), worker.token(), heartbeat("ACTIVE")).statusCode(200)
                .body("desiredState", equalTo("ACTIVE"))
                .body("heartbeatIntervalSeconds", equalTo(10));

        asAdmin().get("/api/v1/workers/{id}", worker.workerId()).then().statusCode(200)
                .body("status", equalTo("ONLINE"))
                .body("latestReport.ownerState", equalTo("ACTIVE"))
                .body("latestReport.freeCpus", equalTo(4.0f))
                .body("latestReport.containers[0].jobId", equalTo("job-1"))
                .body("latestReport.containers[0].epoch", equalTo(2));

        sendHeartbeat(worker.workerId(), worker.token(), heartbeat("IDLE")).statusCode(200);
        asAdmin().get("/api/v1/workers/{id}", worker.workerId()).then()
                .body("latestReport.ownerState", equalTo("IDLE"));
    }

    @Test
    void aDrainedWorkerIsToldToDrainAndStaysDrainedWhenItReRegisters() {
        String machineId = uniqueMachineId();
        var worker = registerNew(registration(machineId));
        asAdmin().post("/api/v1/workers/{id}/drain", worker.workerId()).then().statusCode(200)
                .body("desiredState", equalTo("DRAIN"));

        sendHeartbeat(worker.workerId(), worker.token(), heartbeat("IDLE")).statusCode(200)
                .body("desiredState", equalTo("DRAIN"));
        RegistryClient.register(registration(machineId), worker.credential()).statusCode(200)
                .body("workerId", equalTo(worker.workerId())).body("desiredState", equalTo("DRAIN"));
    }

    @Test
    void anUndrainedWorkerIsToldToBeActiveAgain() {
        var worker = registerNew();
        asAdmin().post("/api/v1/workers/{id}/drain", worker.workerId()).then().statusCode(200);

        asAdmin().post("/api/v1/workers/{id}/undrain", worker.workerId()).then().statusCode(200)
                .body("desiredState", equalTo("ACTIVE"));
        sendHeartbeat(worker.workerId(), worker.token(), heartbeat("IDLE")).statusCode(200)
                .body("desiredState", equalTo("ACTIVE"));
        asAdmin().post("/api/v1/workers/{id}/undrain", worker.workerId()).then().statusCode(200)
                .body("desiredState", equalTo("ACTIVE"));
    }

    @Test
    void anotherWorkersTokenIsForbidden() {
        var mine = registerNew();
        var other = registerNew();
        sendHeartbeat(mine.workerId(), other.token(), heartbeat("IDLE")).statusCode(403)
                .body("status", equalTo(403)).body("error", equalTo("forbidden"));
    }

    @Test
    void aHeartbeatWithoutATokenIsUnauthorized() {
        var worker = registerNew();
        given().contentType(ContentType.JSON).body(heartbeat("IDLE"))
                .put("/api/v1/workers/{id}/heartbeat", worker.workerId()).then().statusCode(401)
                .header("WWW-Authenticate", notNullValue())
                .body("status", equalTo(401)).body("error", equalTo("unauthorized"));
    }

    @Test
    void anExpiredTokenIsUnauthorized() {
        var worker = registerNew();
        String expired = RegistryClient.signedToken(worker.workerId(), "worker", Instant.now().minus(Duration.ofMinutes(5)));
        sendHeartbeat(worker.workerId(), expired, heartbeat("IDLE")).statusCode(401)
                .body("status", equalTo(401)).body("error", equalTo("unauthorized"));
    }

    @Test
    void aTokenSignedWithAnotherKeyIsUnauthorized() {
        var worker = registerNew();
        String forged = RegistryClient.sign(worker.workerId(), "worker", Instant.now().plus(Duration.ofHours(1)),
                PemKeys.newRsaKeyPair().getPrivate());
        sendHeartbeat(worker.workerId(), forged, heartbeat("IDLE")).statusCode(401)
                .body("status", equalTo(401)).body("error", equalTo("unauthorized"));
    }

    @Test
    void aTamperedTokenIsUnauthorized() {
        var worker = registerNew();
        String[] parts = worker.token().split("\\.");
        String tampered = parts[0] + "." + parts[1] + "x." + parts[2];
        sendHeartbeat(worker.workerId(), tampered, heartbeat("IDLE")).statusCode(401).body("error", equalTo("unauthorized"));
        sendHeartbeat(worker.workerId(), "garbage", heartbeat("IDLE")).statusCode(401).body("error", equalTo("unauthorized"));
    }

    @Test
    void theJoinTokenIsNotAWorkerToken() {
        var worker = registerNew();
        sendHeartbeat(worker.workerId(), RegistryClient.JOIN_TOKEN, heartbeat("IDLE")).statusCode(401)
                .body("error", equalTo("unauthorized"));
    }

    @Test
    void anAdminTokenCannotHeartbeat() {
        var worker = registerNew();
        sendHeartbeat(worker.workerId(), RegistryClient.adminToken(), heartbeat("IDLE")).statusCode(403)
                .body("status", equalTo(403)).body("error", equalTo("forbidden"));
    }

    @Test
    void aRemovedWorkerIsToldItIsUnknown() {
        var worker = registerNew();
        asAdmin().delete("/api/v1/workers/{id}", worker.workerId()).then().statusCode(204);
        sendHeartbeat(worker.workerId(), worker.token(), heartbeat("IDLE")).statusCode(404)
                .body("status", equalTo(404)).body("error", equalTo("worker_not_found"));
    }
}
