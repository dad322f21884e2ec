package dev.upc.registry;

import static dev.upc.registry.testing.RegistryClient.asAdmin;
import static dev.upc.registry.testing.RegistryClient.registerNew;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.upc.registry.testing.RegistryClient;
import dev.upc.servicetesting.PemKeys;
import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(SigningKeysResource.class)
class AdminApiTests {

    @Test
    void getAnswersTheWorkerWithItsFacts() {
        var worker = registerNew();
        asAdmin().get("/api/v1/workers/{id}", worker.workerId()).then().statusCode(200)
                .body("workerId", equalTo(worker.workerId()))
                .body("desiredState", equalTo("ACTIVE"))
                .body("registration.cores", equalTo(8))
                .body("registration.ociRuntime", equalTo("runc"));
    }

    @Test
    void anUnknownWorkerIsNotFound() {
        asAdmin().get("/api/v1/workers/{id}", "wnosuchworker1").then().statusCode(404)
                .body("status", equalTo(404)).body("error", equalTo("worker_not_found"));
        asAdmin().post("/api/v1/workers/{id}/drain", "wnosuchworker1").then().statusCode(404)
                .body("error", equalTo("worker_not_found"));
        asAdmin().post("/api/v1/workers/{id}/undrain", "wnosuchworker1").then().statusCode(404)
                .body("error", equalTo("worker_not_found"));
    }

    @Test
    void removeIsIdempotent() {
        var worker = registerNew();
        asAdmin().delete("/api/v1/workers/{id}", worker.workerId()).then().statusCode(204);
        asAdmin().delete("/api/v1/workers/{id}", worker.workerId()).then().statusCode(204);
        asAdmin().get("/api/v1/workers/{id}", worker.workerId()).then().statusCode(404);
        asAdmin().get("/api/v1/workers").then().statusCode(200).body("workers.workerId", not(hasItem(worker.workerId())));
    }

    @Test
    void anAdminJwtMintedWithTheClusterKeyIsAccepted() {
        String admin = RegistryClient.signedToken("operator", "admin", Instant.now().plus(Duration.ofMinutes(5)));
        given().auth().oauth2(admin).get("/api/v1/workers").then().statusCode(200);
    }

    @ParameterizedTest
    @CsvSource({"GET,/api/v1/workers", "GET,/api/v1/workers/{id}", "POST,/api/v1/workers/{id}/drain",
            "POST,/api/v1/workers/{id}/undrain", "DELETE,/api/v1/workers/{id}"})
    void adminCallsNeedAnAdminToken(String method, String path) {
        var worker = registerNew();
        given().request(method, path.replace("{id}", worker.workerId())).then().statusCode(401)
                .body("status", equalTo(401)).body("error", equalTo("unauthorized"));
        given().auth().oauth2(worker.token()).request(method, path.replace("{id}", worker.workerId())).then().statusCode(403)
                .body("status", equalTo(403)).body("error", equalTo("forbidden"));
        String expiredAdmin = RegistryClient.signedToken("operator", "admin", Instant.now().minus(Duration.ofMinutes(5)));
        given().auth().oauth2(expiredAdmin).request(method, path.replace("{id}", worker.workerId())).then().statusCode(401)
                .body("error", equalTo("unauthorized"));
        String forgedAdmin = RegistryClient.sign("operator", "admin", Instant.now().plus(Duration.ofMinutes(5)),
                PemKeys.newRsaKeyPair().getPrivate());
        given().auth().oauth2(forgedAdmin).request(method, path.replace("{id}", worker.workerId())).then().statusCode(401)
                .body("error", equalTo("unauthorized"));
    }

    @Test
    void badListFiltersAreRefused() {
        asAdmin().get("/api/v1/workers?status=SLEEPY").then().statusCode(400)
                .body("status", equalTo(400)).body("error", equalTo("invalid_request"));
        asAdmin().get("/api/v1/workers?label=bad key=x").then().statusCode(400).body("error", equalTo("invalid_request"));
        asAdmin().get("/api/v1/workers?limit=0").then().statusCode(400).body("error", equalTo("invalid_request"));
        asAdmin().get("/api/v1/workers?limit=many").then().statusCode(404);
    }

    @Test
    void openApiAndMetricsAreServed() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/workers/{workerId}/heartbeat"));
        var worker = registerNew();
        RegistryClient.sendHeartbeat(worker.workerId(), worker.token(), RegistryClient.heartbeat("IDLE")).statusCode(200);
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("upc_registry_heartbeats_total{outcome=\"accepted\"}"))
                .body(containsString("upc_registry_heartbeat_seconds_bucket"));
    }
}
