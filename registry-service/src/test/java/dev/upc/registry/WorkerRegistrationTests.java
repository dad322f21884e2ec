package dev.upc.registry;

import static dev.upc.registry.testing.RegistryClient.asAdmin;
import static dev.upc.registry.testing.RegistryClient.register;
import static dev.upc.registry.testing.RegistryClient.registration;
import static dev.upc.registry.testing.RegistryClient.uniqueMachineId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

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
        assertThat(lifetime).as("a worker token lives an hour; the agent renews it").isEqualTo(Duration.ofHours(1));
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
        var second = RegistryClient.registerAgain(changed, first.credential());

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
        RegistryClient.registerAgain(registration(machineId), first.credential());
        RegistryClient.sendHeartbeat(first.workerId(), first.token(), RegistryClient.heartbeat("IDLE")).statusCode(200);
    }

    // ---- identity: the join token enrols a new PC, nothing more ----------------------------------------------------

    @Test
    void enrolmentGivesTheWorkerItsOwnCredentialOnceAndReRegistrationNeedsIt() {
        String machineId = uniqueMachineId();
        var first = RegistryClient.registerNew(registration(machineId));

        var again = RegistryClient.registerAgain(registration(machineId), first.credential());

        assertThat(first.credential()).startsWith("upcw_").hasSizeGreaterThan(40);
        assertThat(again.workerId()).isEqualTo(first.workerId());
        assertThat(again.credential()).as("given once").isNull();
    }

    @Test
    void theJoinTokenAloneCannotTakeOverAnEnrolledMachine() {
        String machineId = uniqueMachineId();
        var victim = RegistryClient.registerNew(registration(machineId));
        var attacker = RegistryClient.registerNew(); // a PC of the cluster: it holds the join token and a credential

        for (String credential : new String[] {null, attacker.credential(), "upcw_guess", "x".repeat(10_000)}) {
            Map<String, Object> body = registration(machineId);
            body.put("hostname", "attacker");
            (credential == null ? register(body) : register(body, credential)).statusCode(409)
                    .body("status", equalTo(409)).body("error", equalTo("machine_enrolled"))
                    .body("message", org.hamcrest.Matchers.containsString(victim.workerId()))
                    .body("workerToken", org.hamcrest.Matchers.nullValue());
        }
        asAdmin().get("/api/v1/workers/{id}", victim.workerId()).then().statusCode(200)
                .body("registration.hostname", org.hamcrest.Matchers.not(equalTo("attacker")));
    }

    @Test
    void aRemovedWorkersTokensAreRevokedAndItsPcEnrolsAsANewWorker() {
        String machineId = uniqueMachineId();
        var worker = RegistryClient.registerNew(registration(machineId));

        asAdmin().delete("/api/v1/workers/{id}", worker.workerId()).then().statusCode(204);

        RegistryClient.sendHeartbeat(worker.workerId(), worker.token(), RegistryClient.heartbeat("IDLE"))
                .statusCode(404);
        asAdmin().get("/api/v1/worker-revocations").then().statusCode(200)
                .body("revocations.find { it.workerId == '" + worker.workerId() + "' }.banned", equalTo(false))
                .body("revocations.find { it.workerId == '" + worker.workerId() + "' }.machineId",
                        equalTo(machineId));
        var anew = RegistryClient.registerNew(registration(machineId));
        assertThat(anew.workerId()).as("a new identity: the old one's tokens stay dead").isNotEqualTo(worker.workerId());
    }

    @Test
    void aVerifierAsksOnlyForTheRevocationsOfTheLastTokenLifetime() {
        var worker = RegistryClient.registerNew();
        asAdmin().delete("/api/v1/workers/{id}", worker.workerId()).then().statusCode(204);
        String find = "revocations.find { it.workerId == '" + worker.workerId() + "' }";

        // The registry's clock, not this one's (another test may have moved it): the revocation's own time.
        java.time.Instant revokedAt = java.time.Instant.parse(asAdmin().get("/api/v1/worker-revocations").then()
                .statusCode(200).extract().path(find + ".revokedAt"));

        asAdmin().queryParam("since", revokedAt.minusSeconds(1).toString())
                .get("/api/v1/worker-revocations").then().statusCode(200).body(find, notNullValue());
        asAdmin().queryParam("since", revokedAt.plusSeconds(1).toString())
                .get("/api/v1/worker-revocations").then().statusCode(200).body(find, nullValue());
        asAdmin().queryParam("since", "yesterday").get("/api/v1/worker-revocations").then().statusCode(400)
                .body("error", equalTo("invalid_request")).body("message", containsString("ISO-8601"));
    }

    @Test
    void revocationsComePageByPageOldestFirst() {
        java.util.List<String> removed = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var worker = RegistryClient.registerNew();
            asAdmin().delete("/api/v1/workers/{id}", worker.workerId()).then().statusCode(204);
            removed.add(worker.workerId());
        }
        java.util.List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = asAdmin().queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var page = request.get("/api/v1/worker-revocations").then().statusCode(200).extract().jsonPath();
            java.util.List<String> ids = page.getList("revocations.workerId");
            org.assertj.core.api.Assertions.assertThat(ids).hasSizeLessThanOrEqualTo(2);
            seen.addAll(ids);
            cursor = page.getString("nextCursor");
        } while (cursor != null && ++pages < 1000);

        org.assertj.core.api.Assertions.assertThat(seen).doesNotHaveDuplicates()
                .containsSubsequence(removed.toArray(String[]::new));
        asAdmin().queryParam("cursor", "not-a-cursor!").get("/api/v1/worker-revocations").then().statusCode(400)
                .body("error", equalTo("invalid_cursor"));
        asAdmin().queryParam("limit", 0).get("/api/v1/worker-revocations").then().statusCode(400);
    }

    @Test
    void aRevokedPcMayNotEnrolUntilTheBanIsLifted() {
        String machineId = uniqueMachineId();
        var worker = RegistryClient.registerNew(registration(machineId));

        asAdmin().post("/api/v1/workers/{id}/revoke", worker.workerId()).then().statusCode(204);

        register(registration(machineId)).statusCode(403).body("error", equalTo("machine_revoked"))
                .body("message", org.hamcrest.Matchers.containsString("upc workers unban " + worker.workerId()));
        register(registration(machineId), worker.credential()).statusCode(403);
        asAdmin().post("/api/v1/workers/{id}/revoke", worker.workerId()).then().statusCode(404)
                .body("error", equalTo("worker_not_found"));
        asAdmin().delete("/api/v1/worker-revocations/{id}", worker.workerId()).then().statusCode(204);
        asAdmin().get("/api/v1/worker-revocations").then()
                .body("revocations.find { it.workerId == '" + worker.workerId() + "' }.banned", equalTo(false));
        assertThat(RegistryClient.registerNew(registration(machineId)).workerId()).isNotEqualTo(worker.workerId());
    }

    @Test
    void onlyAnAdminRevokesOrReadsRevocations() {
        var worker = RegistryClient.registerNew();
        given().auth().oauth2(worker.token()).post("/api/v1/workers/{id}/revoke", worker.workerId()).then()
                .statusCode(403);
        given().auth().oauth2(worker.token()).get("/api/v1/worker-revocations").then().statusCode(403);
        given().get("/api/v1/worker-revocations").then().statusCode(401);
        given().auth().oauth2(worker.token()).delete("/api/v1/worker-revocations/{id}", worker.workerId()).then()
                .statusCode(403);
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
                .post("/api/v1/workers").then().statusCode(401).header("Connection", "close")
                .body("status", equalTo(401)).body("error", equalTo("unauthorized"))
                .body("message", containsString("the body was not read"));
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
