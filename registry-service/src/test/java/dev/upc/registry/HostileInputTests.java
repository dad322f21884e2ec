package dev.upc.registry;

import static dev.upc.registry.testing.RegistryClient.JOIN_TOKEN;
import static dev.upc.registry.testing.RegistryClient.asAdmin;
import static dev.upc.registry.testing.RegistryClient.heartbeat;
import static dev.upc.registry.testing.RegistryClient.registerNew;
import static dev.upc.registry.testing.RegistryClient.registration;
import static dev.upc.registry.testing.RegistryClient.uniqueMachineId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.registry.testing.RegistryClient;
import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Whatever a client sends, the answer is a 4xx with an ErrorResponse, never a 500. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(SigningKeysResource.class)
class HostileInputTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"{", "not json", "{\"machineId\": }", "[]", "\"a string\"", "{} {}", "{\"machineId\":\"a\",}"})
    void malformedRegistrationsAreRefused(String body) {
        registerRaw(body).statusCode(400).body("status", equalTo(400)).body("error", notNullValue());
    }

    @Test
    void anEmptyBodyIsRefused() {
        given().auth().oauth2(JOIN_TOKEN).contentType(ContentType.JSON).post("/api/v1/workers").then()
                .statusCode(400).body("status", equalTo(400)).body("error", notNullValue());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hostname|pc\\u0000x", "hostname|pc\\ud800", "cpuModel|\\u0000", "agentVersion|\\udfff1"})
    void textThatIsNotCleanIsRefused(String fieldAndRawJson) {
        String[] parts = fieldAndRawJson.split("\\|");
        Map<String, Object> body = registration(uniqueMachineId());
        body.put(parts[0], "PLACEHOLDER");
        registerRaw(json(body).replace("PLACEHOLDER", parts[1])).statusCode(400).body("status", equalTo(400))
                .body("error", equalTo("invalid_json")).body("details[0].field", equalTo(parts[0]));
    }

    @Test
    void aLabelKeyOrValueWithANulIsRefused() {
        Map<String, Object> body = registration(uniqueMachineId());
        body.put("labels", Map.of("PLACEHOLDER", "x"));
        registerRaw(json(body).replace("PLACEHOLDER", "ro\\u0000om")).statusCode(400)
                .body("error", equalTo("invalid_json"));
    }

    @Test
    void aKeyGivenTwiceIsRefusedNotLastOneWins() {
        String victim = uniqueMachineId();
        String body = json(registration(uniqueMachineId())).replaceFirst("\\{", "{\"machineId\":\"" + victim + "\",");

        registerRaw(body).statusCode(400).body("error", equalTo("malformed_json"))
                .body("message", containsString("machineId"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/workers/w%00x", "/api/v1/workers?status=%00", "/api/v1/workers?label=%C3%28",
            "/api/v1/workers/%ED%A0%80/drain", "/api/v1/worker-revocations/%00"})
    void aPathOrQueryThatIsNotCleanTextIsRefusedBeforeTheToken(String path) {
        given().urlEncodingEnabled(false).get(path).then().statusCode(400).body("status", equalTo(400))
                .body("error", equalTo("invalid_text"));
        asAdmin().urlEncodingEnabled(false).get(path).then().statusCode(400).body("error", equalTo("invalid_text"));
    }

    @Test
    void unknownFieldsAreRefused() {
        Map<String, Object> body = registration(uniqueMachineId());
        body.put("isAdmin", true);
        registerRaw(json(body)).statusCode(400).body("error", equalTo("unknown_field"))
                .body("details[0].field", equalTo("isAdmin"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "cores|0", "cores|4097", "cores|-1", "memoryMiB|0", "jobCpus|-1", "benchmarkScore|0",
            "benchmarkScore|-2.5", "cgroupVersion|3", "machineId|'\"\"'", "machineId|'\"has spaces\"'",
            "hostname|'\"  \"'", "agentVersion|null", "cores|null"})
    void outOfRangeRegistrationFieldsAreRefused(String field, String value) throws Exception {
        Map<String, Object> body = registration(uniqueMachineId());
        body.put(field, JSON.readValue(value, Object.class));
        registerRaw(json(body)).statusCode(400).body("status", equalTo(400)).body("error", equalTo("invalid_request"))
                .body("details.field", hasItem(field));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "cores|'\"8\"'", "cores|1.5", "cores|99999999999999999999", "memoryMiB|'\"lots\"'", "cpuFlags|'\"avx\"'",
            "labels|'[1,2]'", "benchmarkScore|'\"fast\"'", "cgroupVersion|true"})
    void wronglyTypedRegistrationFieldsAreRefused(String field, String rawValue) {
        Map<String, Object> rest = registration(uniqueMachineId());
        rest.remove(field);
        String body = json(rest).replaceFirst("\\{", "{\"" + field + "\":" + rawValue + ",");
        registerRaw(body).statusCode(400).body("status", equalTo(400)).body("error", equalTo("invalid_json"));
    }

    @Test
    void tooManyOrTooLongLabelsAndFlagsAreRefused() {
        Map<String, Object> body = registration(uniqueMachineId());
        Map<String, String> labels = new HashMap<>();
        IntStream.range(0, 65).forEach(i -> labels.put("k" + i, "v"));
        body.put("labels", labels);
        registerRaw(json(body)).statusCode(400).body("error", equalTo("invalid_request"));

        body = registration(uniqueMachineId());
        body.put("labels", Map.of("bad key!", "v"));
        registerRaw(json(body)).statusCode(400).body("error", equalTo("invalid_request"));

        body = registration(uniqueMachineId());
        body.put("cpuFlags", List.of("x".repeat(65)));
        registerRaw(json(body)).statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void badHeartbeatsAreRefused() {
        var worker = registerNew();
        Map<String, Object> unknownOwner = heartbeat("IDLE");
        unknownOwner.put("ownerState", "ASLEEP");
        heartbeatRaw(worker, json(unknownOwner)).statusCode(400).body("error", equalTo("invalid_json"));

        Map<String, Object> negative = heartbeat("IDLE");
        negative.put("freeCpus", -1);
        heartbeatRaw(worker, json(negative)).statusCode(400).body("error", equalTo("invalid_request"))
                .body("details.field", hasItem("freeCpus"));

        Map<String, Object> badContainer = heartbeat("IDLE");
        badContainer.put("containers", List.of(Map.of("jobId", "j", "epoch", -1, "state", "running",
                "cpuSeconds", 1, "rssMiB", 1)));
        heartbeatRaw(worker, json(badContainer)).statusCode(400).body("error", equalTo("invalid_request"))
                .body("details.field", hasItem("containers[0].epoch"));

        Map<String, Object> missing = heartbeat("IDLE");
        missing.remove("ownerState");
        heartbeatRaw(worker, json(missing)).statusCode(400).body("error", equalTo("invalid_request"));

        heartbeatRaw(worker, "{\"ownerState\":\"IDLE\",\"sneaky\":1}").statusCode(400).body("error", equalTo("unknown_field"));
        heartbeatRaw(worker, "][").statusCode(400).body("error", equalTo("malformed_json"));
        heartbeatRaw(worker, "{\"ownerState\":\"IDLE\",\"freeCpus\":NaN,\"freeMemoryMiB\":1,\"load\":1}")
                .statusCode(400).body("status", equalTo(400));
    }

    @Test
    void tooManyContainersAreRefused() {
        var worker = registerNew();
        Map<String, Object> body = heartbeat("IDLE");
        body.put("containers", IntStream.range(0, 257).mapToObj(i -> Map.of("jobId", "j" + i, "epoch", 1,
                "state", "running", "cpuSeconds", 1, "rssMiB", 1)).toList());
        heartbeatRaw(worker, json(body)).statusCode(400).body("error", equalTo("invalid_request"));
    }

    @Test
    void anOversizedBodyIsRefusedBeforeItIsRead() {
        String huge = "{\"machineId\":\"" + "x".repeat(70_000) + "\"}";
        registerRaw(huge).statusCode(413).body("status", equalTo(413)).body("error", equalTo("payload_too_large"));
    }

    @Test
    void otherMediaTypesAndMethodsAreRefusedWithAnErrorResponse() {
        given().auth().oauth2(JOIN_TOKEN).contentType(ContentType.TEXT).body("machineId=x")
                .post("/api/v1/workers").then().statusCode(415)
                .body("status", equalTo(415)).body("error", equalTo("unsupported_media_type"));
        given().auth().oauth2(RegistryClient.adminToken()).patch("/api/v1/workers").then().statusCode(405)
                .body("status", equalTo(405)).body("error", equalTo("method_not_allowed"));
        given().get("/api/v1/nothing-here").then().statusCode(404)
                .body("status", equalTo(404)).body("error", equalTo("not_found"));
    }

    private static ValidatableResponse registerRaw(String body) {
        return given().auth().oauth2(JOIN_TOKEN).contentType(ContentType.JSON).body(body).post("/api/v1/workers").then();
    }

    private static ValidatableResponse heartbeatRaw(RegistryClient.Registered worker, String body) {
        return given().auth().oauth2(worker.token()).contentType(ContentType.JSON).body(body)
                .put("/api/v1/workers/{id}/heartbeat", worker.workerId()).then();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
