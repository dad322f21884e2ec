package dev.upc.registry;

import static dev.upc.registry.testing.RegistryClient.asAdmin;
import static dev.upc.registry.testing.RegistryClient.register;
import static dev.upc.registry.testing.RegistryClient.registration;
import static dev.upc.registry.testing.RegistryClient.uniqueMachineId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

import dev.upc.registry.testing.RegistryClient;
import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.auth.principal.JWTParser;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(SigningKeysResource.class)
class WorkerRegistrationTests {

    @Inject
    JWTParser jwtParser;

    @Test
    void registrationAnswersAnIdAWorkerTokenAndTheHeartbeatInterval() throws Exception {
        var response = register(registration(uniqueMachineId())).statusCode(200)
                .contentType(ContentType.JSON)
                .body("workerId", matchesPattern("w[a-z2-7]{12}"))
                .body("workerToken", notNullValue())
                .body("heartbeatIntervalSeconds", equalTo(10))
                .body("desiredState", equalTo("ACTIVE"))
                .extract();

        JsonWebToken token = jwtParser.parse(response.path("workerToken"));
        assertThat(token.getSubject()).isEqualTo(response.path("workerId"));
        assertThat(token.getGroups()).containsExactly("worker");
        assertThat(token.getIssuer()).isEqualTo("upc");
        Duration lifetime = Duration.ofSeconds(token.getExpirationTime() - token.getIssuedAtTime());
        assertThat(lifetime).isEqualTo(Duration.ofHours(24));
        assertThat(Instant.parse(response.path("tokenExpiresAt"))).isEqualTo(Instant.ofEpochSecond(token.getExpirationTime()));
    }

    @Test
    void reRegistrationKeepsTheIdIssuesAFreshTokenAndUpdatesTheFacts() {
        String machineId = uniqueMachineId();
        var first = RegistryClient.registerNew(registration(machineId));

        Map<String, Object> changed = registration(machineId);
        changed.put("hostname", "renamed-pc");
        changed.put("jobCpus", 2);
        changed.put("labels", Map.of("room", "lab-9", "gpu", "none"));
        var second = RegistryClient.registerNew(changed);

        assertThat(second.workerId()).isEqualTo(first.workerId());
        assertThat(second.token()).isNotEqualTo(first.token());
        asAdmin().get("/api/v1/workers/{id}", first.workerId()).then().statusCode(200)
                .body("registration.hostname", equalTo("renamed-pc"))
                .body("registration.jobCpus", equalTo(2))
                .body("registration.labels.room", equalTo("lab-9"))
                .body("registration.cpuFlags", hasItems("sse4_2", "avx2"))
                .body("registration.benchmarkScore", equalTo(1.25f));
        asAdmin().get("/api/v1/workers?label=room=lab-9").then().statusCode(200)
                .body("workers.findAll { it.registration.machineId == '" + machineId + "' }.size()", equalTo(1));
    }

    @Test
    void theOldTokenOfAReRegisteredWorkerStillWorksUntilItExpires() {
        String machineId = uniqueMachineId();
        var first = RegistryClient.registerNew(registration(machineId));
        RegistryClient.registerNew(registration(machineId));
        RegistryClient.sendHeartbeat(first.workerId(), first.token(), RegistryClient.heartbeat("IDLE")).statusCode(200);
    }

    @Test
    void aWrongJoinTokenIsRefused() {
        given().auth().oauth2("not-the-join-token").contentType(ContentType.JSON).body(registration(uniqueMachineId()))
                .post("/api/v1/workers").then().statusCode(401)
                .header("WWW-Authenticate", notNullValue())
                .body("status", equalTo(401)).body("error", equalTo("invalid_join_token"));
    }

    @Test
    void aMissingJoinTokenIsRefusedBeforeTheBodyIsRead() {
        given().contentType(ContentType.JSON).body("{not json")
                .post("/api/v1/workers").then().statusCode(401)
                .body("status", equalTo(401)).body("error", equalTo("invalid_join_token"));
    }

    @Test
    void aWorkerTokenIsNotAJoinToken() {
        var worker = RegistryClient.registerNew();
        given().auth().oauth2(worker.token()).contentType(ContentType.JSON).body(registration(uniqueMachineId()))
                .post("/api/v1/workers").then().statusCode(401).body("error", equalTo("invalid_join_token"));
    }

    @Test
    void moreLentCpusThanCoresIsRefused() {
        Map<String, Object> body = registration(uniqueMachineId());
        body.put("jobCpus", 9);
        register(body).statusCode(400).body("status", equalTo(400)).body("error", equalTo("invalid_request"))
                .body("details[0].field", equalTo("jobCpus"));
    }

    @Test
    void theAdminTokenWrittenAtStartCarriesTheAdminGroup() throws Exception {
        JsonWebToken admin = jwtParser.parse(RegistryClient.adminToken());
        assertThat(admin.getGroups()).containsExactly("admin");
        asAdmin().get("/api/v1/workers").then().statusCode(200);
    }
}
