package dev.upc.registry.testing;

import static io.restassured.RestAssured.given;

import dev.upc.protocol.Tokens.Kind;
import dev.upc.servicehttp.SigningKeys;
import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.servicetesting.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;

/** Calls the registry the way an agent or an admin does, and mints tokens the way the services and an attacker might. */
public final class RegistryClient {

    public static final String JOIN_TOKEN = "test-join-token-0123456789";

    private RegistryClient() {
    }

    public static String uniqueMachineId() {
        return "m-" + UUID.randomUUID();
    }

    public static Map<String, Object> registration(String machineId) {
        Map<String, Object> body = new HashMap<>();
        body.put("machineId", machineId);
        body.put("hostname", "pc-" + machineId.substring(machineId.length() - 6));
        body.put("agentVersion", "0.1.0");
        body.put("cores", 8);
        body.put("memoryMiB", 16384);
        body.put("jobCpus", 6);
        body.put("cpuModel", "Test CPU @ 3.0GHz");
        body.put("cpuFlags", List.of("sse4_2", "avx2"));
        body.put("benchmarkScore", 1.25);
        body.put("podmanVersion", "4.3.1");
        body.put("criuVersion", "4.1.1");
        body.put("ociRuntime", "runc");
        body.put("cgroupVersion", 1);
        body.put("arch", "amd64");
        body.put("labels", Map.of("room", "lab-3"));
        return body;
    }

    public static Map<String, Object> heartbeat(String ownerState) {
        Map<String, Object> body = new HashMap<>();
        body.put("ownerState", ownerState);
        body.put("freeCpus", 4.0);
        body.put("freeMemoryMiB", 8000);
        body.put("load", 0.5);
        body.put("containers", List.of(Map.of("jobId", "job-1", "epoch", 2, "state", "running",
                "cpuSeconds", 12.5, "rssMiB", 256)));
        return body;
    }

    public static ValidatableResponse register(Object body) {
        return given().auth().oauth2(JOIN_TOKEN).contentType(ContentType.JSON).body(body)
                .post("/api/v1/workers").then();
    }

    /** Registers with the join token and a worker's credential, as an agent registers its PC again. */
    public static ValidatableResponse register(Object body, String credential) {
        return given().auth().oauth2(JOIN_TOKEN).header("Upc-Worker-Credential", credential)
                .contentType(ContentType.JSON).body(body).post("/api/v1/workers").then();
    }

    /** Registers a PC enrolled before, with its credential; returns {workerId, workerToken, null}. */
    public static Registered registerAgain(Map<String, Object> body, String credential) {
        var response = register(body, credential).statusCode(200).extract();
        return new Registered(response.path("workerId"), response.path("workerToken"), response.path("credential"));
    }

    /** Registers a fresh machine; returns {workerId, workerToken, credential}. */
    public static Registered registerNew() {
        return registerNew(registration(uniqueMachineId()));
    }

    public static Registered registerNew(Map<String, Object> body) {
        var response = register(body).statusCode(200).extract();
        return new Registered(response.path("workerId"), response.path("workerToken"), response.path("credential"));
    }

    public static ValidatableResponse sendHeartbeat(String workerId, String token, Object body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .put("/api/v1/workers/{id}/heartbeat", workerId).then();
    }

    public static RequestSpecification asAdmin() {
        return given().auth().oauth2(adminToken());
    }

    /** An admin token of the test application's key (the operator's tools mint them; the registry does not). */
    public static String adminToken() {
        return tokens().admin("test-admin");
    }

    /** Mints tokens with the cluster's key, the way the services do. */
    public static TestTokens tokens() {
        return TestTokens.ofTestApplication();
    }

    /** A token of group (= kind) {@code group} signed with the cluster's key: for expired and wrong-group cases. */
    public static String signedToken(String subject, String group, Instant expiresAt) {
        return sign(subject, group, expiresAt, clusterKey());
    }

    /** A token of group (= kind) {@code group} living one hour until {@code expiresAt}, signed with {@code key}. */
    public static String sign(String subject, String group, Instant expiresAt, PrivateKey key) {
        TestTokens tokens = new TestTokens(key);
        Duration lifetime = Duration.ofHours(1);
        return tokens.sign(tokens.claims(Kind.valueOf(group.toUpperCase(Locale.ROOT)), subject,
                expiresAt.minus(lifetime), lifetime));
    }

    public static PrivateKey clusterKey() {
        return SigningKeys.read(config(SigningKeysResource.PRIVATE_KEY_LOCATION)).privateKey();
    }

    private static String config(String name) {
        return ConfigProvider.getConfig().getValue(name, String.class);
    }

    public record Registered(String workerId, String token, String credential) {
    }
}
