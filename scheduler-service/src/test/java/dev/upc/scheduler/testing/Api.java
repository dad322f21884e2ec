package dev.upc.scheduler.testing;

import static io.restassured.RestAssured.given;

import dev.upc.protocol.Tokens;
import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.servicetesting.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.ConfigProvider;

/** Calls the scheduler as users, admins and agents do, with tokens signed by the test cluster key. */
public final class Api {

    private Api() {
    }

    /** User tokens the scheduler minted in this test (the database, and so the users, start empty in each). */
    private static final Map<String, String> USER_TOKENS = new ConcurrentHashMap<>();

    /**
     * A token of the group: a user's is minted by the scheduler itself (an admin adds the user), since only tokens it
     * knows are valid; admin and worker tokens are signed here with the cluster key, as the registry would.
     */
    public static String token(String subject, String group) {
        if (group.equals(Tokens.USER)) {
            return USER_TOKENS.computeIfAbsent(subject, Api::addUser);
        }
        return sign(subject, group, Instant.now().plus(Duration.ofHours(1)), clusterKey());
    }

    /** A token of the group's kind as the services mint them (aud, kid), but expiring at {@code expiresAt}. */
    public static String sign(String subject, String group, Instant expiresAt, PrivateKey key) {
        Tokens.Kind kind = Tokens.Kind.valueOf(group.toUpperCase(java.util.Locale.ROOT));
        TestTokens tokens = new TestTokens(key);
        return tokens.sign(tokens.claims(kind, subject, expiresAt.minus(Duration.ofHours(1)), Duration.ofHours(1))
                .upn(subject));
    }

    private static String addUser(String name) {
        return given().auth().oauth2(token("root", Tokens.ADMIN)).contentType(ContentType.JSON)
                .body(Map.of("name", name)).post("/api/v1/users").then().statusCode(201).extract().path("token");
    }

    /** The users are gone with the database: mint them again when next needed. */
    public static void forgetUsers() {
        USER_TOKENS.clear();
    }

    public static RequestSpecification asUser() {
        return asUser("alice");
    }

    public static RequestSpecification asUser(String name) {
        return given().auth().oauth2(token(name, Tokens.USER));
    }

    public static RequestSpecification asAdmin() {
        return given().auth().oauth2(token("root", "admin"));
    }

    public static Map<String, Object> job(String name) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("image", "localhost/upc/count:1");
        body.put("command", List.of("/bin/count", "1000"));
        body.put("env", Map.of("MODE", "test"));
        body.put("cpus", 1);
        body.put("memoryMiB", 256);
        body.put("workEstimate", 600.0);
        body.put("checkpointIntervalSeconds", 0);
        body.put("migratable", true);
        body.put("maxRetries", 2);
        return body;
    }

    public static ValidatableResponse submit(Object body) {
        return asUser().contentType(ContentType.JSON).body(body).post("/api/v1/jobs").then();
    }

    /** Submits a valid job and returns its id. */
    public static String submitJob(String name) {
        return submit(job(name)).statusCode(201).extract().path("id");
    }

    public static ValidatableResponse getJob(String jobId) {
        return asUser().get("/api/v1/jobs/{id}", jobId).then();
    }

    /** Puts a blob into the store at {@code storeBase} with an admin token (also when it is there already). */
    public static void putBlob(java.net.URI storeBase, String kind, String id, byte[] content) {
        given().baseUri(storeBase.toString()).auth().oauth2(token("root", Tokens.ADMIN))
                .contentType("application/octet-stream").body(content).put("/api/v1/blobs/{kind}/{id}", kind, id)
                .then().statusCode(org.hamcrest.Matchers.lessThan(300));
    }

    public static PrivateKey clusterKey() {
        try {
            String location = ConfigProvider.getConfig()
                    .getValue(SigningKeysResource.PRIVATE_KEY_LOCATION, String.class).replaceFirst("^file:", "");
            return KeyUtils.decodePrivateKey(Files.readString(Path.of(location)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
