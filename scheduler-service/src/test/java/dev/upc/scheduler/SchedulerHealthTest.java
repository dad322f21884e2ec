package dev.upc.scheduler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.upc.scheduler.testing.SchedulerTest;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SchedulerHealthTest extends SchedulerTest {

    @Test
    void reportsLiveAndReadyWithTheDatabaseAndRegistryChecks() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"))
                .body("checks.name", hasItem("registry"));
    }

    @Test
    void exposesMetricsAndOpenApi() {
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("upc_scheduler_jobs{"))
                .body(containsString("upc_scheduler_decision_seconds"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/agents/{workerId}/commands"));
    }
}
