package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.asAdmin;
import static dev.upc.scheduler.testing.Api.asUser;
import static dev.upc.scheduler.testing.Api.job;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.scheduler.testing.SchedulerTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Text that is not clean (a NUL, a lone surrogate, bytes that are not UTF-8) and keys given twice get a 400 with an
 * ErrorResponse wherever they come — body, map key, path, query — never a 500 from the database.
 */
@QuarkusTest
class HostileInputTests extends SchedulerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"name|a\\u0000b", "name|\\udc00", "image|localhost/x\\u0000:1", "command|\\u0000"})
    void aJobWithTextThatIsNotCleanIsRefused(String fieldAndRawJson) {
        String[] parts = fieldAndRawJson.split("\\|");
        Map<String, Object> body = job("hostile");
        body.put(parts[0], parts[0].equals("command") ? List.of("PLACEHOLDER") : "PLACEHOLDER");
        asUser().contentType(ContentType.JSON).body(json(body).replace("PLACEHOLDER", parts[1]))
                .post("/api/v1/jobs").then().statusCode(400).body("status", equalTo(400))
                .body("error", equalTo("invalid_json"));
    }

    @Test
    void anEnvironmentKeyWithANulIsRefused() {
        Map<String, Object> body = job("hostile");
        body.put("env", Map.of("PLACEHOLDER", "1"));
        asUser().contentType(ContentType.JSON).body(json(body).replace("PLACEHOLDER", "A\\u0000B"))
                .post("/api/v1/jobs").then().statusCode(400).body("error", equalTo("invalid_json"));
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        String body = json(job("first")).replaceFirst("\\{", "{\"name\":\"second\",");
        asUser().contentType(ContentType.JSON).body(body).post("/api/v1/jobs").then().statusCode(400)
                .body("error", equalTo("malformed_json")).body("message", containsString("name"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpus|1e400", "cpus|99999999999999999999999999", "memoryMiB|-1e308",
            "workEstimate|1e999", "maxRetries|2147483648"})
    void aHugeNumberIsABadRequest(String fieldAndRawJson) {
        String[] parts = fieldAndRawJson.split("\\|");
        Map<String, Object> body = job("huge");
        body.put(parts[0], "PLACEHOLDER");
        asUser().contentType(ContentType.JSON).body(json(body).replace("\"PLACEHOLDER\"", parts[1]))
                .post("/api/v1/jobs").then().statusCode(400).body("status", equalTo(400));
    }

    @Test
    void aVeryLongStringIsABadRequestAndAnOversizedBodyIs413() {
        Map<String, Object> longName = job("x".repeat(100_000));
        asUser().contentType(ContentType.JSON).body(json(longName)).post("/api/v1/jobs").then().statusCode(400)
                .body("status", equalTo(400));

        Map<String, Object> huge = job("huge");
        huge.put("command", List.of("x".repeat(2 * 1024 * 1024)));
        asUser().contentType(ContentType.JSON).body(json(huge)).post("/api/v1/jobs").then().statusCode(413)
                .body("status", equalTo(413)).body("error", equalTo("payload_too_large"));
        asUser().get("/api/v1/jobs").then().statusCode(200); // and the service goes on
    }

    @Test
    void aBodyWithoutATokenIsRefusedUnreadAndTheConnectionClosed() {
        given().contentType(ContentType.JSON).body(json(job("anonymous"))).post("/api/v1/jobs").then()
                .statusCode(401).header("Connection", "close")
                .body("error", equalTo("unauthorized")).body("message", containsString("the body was not read"));
        asUser().get("/api/v1/jobs").then().statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/jobs/j%00", "/api/v1/jobs?state=%00", "/api/v1/jobs?cursor=%C3%28",
            "/api/v1/jobs/%ED%B0%80/events", "/api/v1/users/a%00b", "/api/v1/agents/w%00/commands?waitSeconds=0",
            "/api/v1/jobs/j-1/logs?since=%00"})
    void aPathOrQueryThatIsNotCleanTextIsRefused(String path) {
        given().urlEncodingEnabled(false).get(path).then().statusCode(400).body("error", equalTo("invalid_text"));
        asAdmin().urlEncodingEnabled(false).get(path).then().statusCode(400).body("status", equalTo(400))
                .body("error", equalTo("invalid_text"));
        asUser().urlEncodingEnabled(false).delete(path).then().statusCode(400);
    }
}
