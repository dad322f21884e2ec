package dev.upc.scheduler.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An agent reduced to its HTTP conversation: long-poll commands, report events, with its own worker token. */
public final class ScriptedAgent {

    private final String workerId;
    private final String token;

    public ScriptedAgent(String workerId) {
        this.workerId = workerId;
        this.token = Api.token(workerId, "worker");
    }

    public String id() {
        return workerId;
    }

    public String token() {
        return token;
    }

    public ValidatableResponse pollResponse(int waitSeconds) {
        return given().auth().oauth2(token).queryParam("waitSeconds", waitSeconds)
                .get("/api/v1/agents/{id}/commands", workerId).then();
    }

    /** The unacknowledged commands (waiting up to waitSeconds for one). */
    public List<Map<String, Object>> poll(int waitSeconds) {
        return pollResponse(waitSeconds).statusCode(200).extract().jsonPath().getList("commands");
    }

    /** The one command of the given type in the next poll. */
    public Map<String, Object> expect(String type) {
        return poll(5).stream().filter(c -> type.equals(c.get("type"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " command for " + workerId));
    }

    public ValidatableResponse report(Map<String, Object> command, String type, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(extra);
        body.put("commandId", command.get("commandId"));
        body.put("jobId", command.get("jobId"));
        body.put("epoch", command.get("epoch"));
        body.put("type", type);
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .post("/api/v1/agents/{id}/events", workerId).then();
    }

    public JsonPath reportOk(Map<String, Object> command, String type, Map<String, Object> extra) {
        return report(command, type, extra).statusCode(200).extract().jsonPath();
    }

    public JsonPath reportOk(Map<String, Object> command, String type) {
        return reportOk(command, type, Map.of());
    }

    /** Ships lines "{prefix} n" for n = first..last of a container's log, as the agent does while a job runs. */
    public ValidatableResponse logs(String jobId, long epoch, long first, long last, String prefix, boolean complete) {
        List<Map<String, Object>> lines = new java.util.ArrayList<>();
        for (long n = first; n <= last; n++) {
            lines.add(Map.of("at", java.time.Instant.parse("2026-12-04T10:00:00Z").plusSeconds(n).toString(),
                    "stream", n % 5 == 0 ? "stderr" : "stdout", "text", prefix + " " + n));
        }
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("jobId", jobId, "epoch", epoch, "firstLine", first, "lines", lines, "complete", complete))
                .post("/api/v1/agents/{id}/logs", workerId).then();
    }

    /** Tells the scheduler the owner's state, as of {@code changedAt}, and the jobs held suspended ({jobId, epoch}). */
    public ValidatableResponse owner(String state, java.time.Instant changedAt, List<Map<String, Object>> suspended) {
        List<Map<String, Object>> held = suspended.stream().map(job -> {
            Map<String, Object> one = new java.util.HashMap<>(job);
            one.putIfAbsent("since", changedAt.toString());
            return one;
        }).toList();
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("ownerState", state, "changedAt", changedAt.toString(), "suspended", held))
                .put("/api/v1/agents/{id}/owner", workerId).then();
    }

    /** Tells the scheduler the PC is shutting down (its agent got SIGTERM), as of {@code changedAt}. */
    public ValidatableResponse leaving(java.time.Instant changedAt) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("ownerState", "IDLE", "changedAt", changedAt.toString(), "suspended", List.of(),
                        "leaving", true))
                .put("/api/v1/agents/{id}/owner", workerId).then();
    }

    public static Map<String, Object> checkpointed(Map<String, Object> command, long size) {
        return Map.of("blobId", command.get("blobId"), "sizeBytes", size, "sha256", "a".repeat(64),
                "checkpointMillis", 900, "transferMillis", 300, "cpuSeconds", 42.0);
    }
}
