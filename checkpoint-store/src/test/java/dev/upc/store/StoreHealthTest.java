package dev.upc.store;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Health, metrics and the API document are open: no token needed. */
@QuarkusTest
@WithTestResource(SigningKeysResource.class)
class StoreHealthTest {

    @Test
    void reportsLiveAndReadyWithFreeSpace() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'storage-directory' }.data.freeBytes", org.hamcrest.Matchers.notNullValue())
                .body("checks.find { it.name == 'uploads' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'uploads' }.data.saturated", equalTo(false));
    }

    @Test
    void exposesPrometheusMetricsWithoutAToken() {
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("upc_store_blobs{"))
                .body(containsString("upc_store_bytes_in_total{"))
                .body(containsString("upc_store_corrupt_blobs_total"));
    }

    @Test
    void publishesTheBlobApiInOpenApi() {
        given().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/v1/blobs/{kind}/{id}"))
                .body(containsString("bearer"));
    }
}
