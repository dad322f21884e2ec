package dev.upc.store.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.Tokens;
import dev.upc.protocol.Tokens.Kind;
import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.servicetesting.TestTokens;
import dev.upc.store.testing.TokenMint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bearer tokens on the blob API: who may do what, and that every refusal is an ErrorResponse. */
@QuarkusTest
@WithTestResource(SigningKeysResource.class)
class BlobAccessTests {

    private static final String BLOBS = "/api/v1/blobs";

    private TokenMint mint;
    private String id;
    private String url;

    @BeforeEach
    void setUp() {
        mint = TokenMint.ofTestApplication();
        id = "job-" + UUID.randomUUID() + "-1-1";
        url = BLOBS + "/checkpoints/" + id;
    }

    @Test
    void aWriteCapabilityPutsItsBlobAndNothingElse() {
        String write = mint.capability("checkpoints/" + id, "write");

        put(write, url).statusCode(201);
        put(write, BLOBS + "/checkpoints/" + id + "x").statusCode(403).body("error", equalTo("forbidden"));
        put(write, BLOBS + "/outputs/" + id).statusCode(403);
        given().auth().oauth2(write).get(url).then().statusCode(403).body("status", equalTo(403))
                .body("message", containsString("not read"));
        given().auth().oauth2(write).delete(url).then().statusCode(403).body("message", containsString("admin"));
        given().auth().oauth2(write).get(BLOBS + "/checkpoints").then().statusCode(403);
    }

    @Test
    void aReadCapabilityReadsItsBlobOnly() {
        put(mint.admin(), url).statusCode(201);
        String read = mint.capability("checkpoints/" + id, "read");

        given().auth().oauth2(read).get(url).then().statusCode(200).body(equalTo("payload"));
        given().auth().oauth2(read).head(url).then().statusCode(200);
        put(read, url).statusCode(403).body("error", equalTo("forbidden"));
        given().auth().oauth2(read).get(BLOBS + "/checkpoints/other-1-1").then().statusCode(403);
    }

    @Test
    void aCapabilityMayGrantBothOperations() {
        String both = mint.capability("checkpoints/" + id, "read", "write");

        put(both, url).statusCode(201);
        given().auth().oauth2(both).get(url).then().statusCode(200);
    }

    @Test
    void adminsMayDoEverything() {
        String admin = mint.admin();

        put(admin, url).statusCode(201);
        given().auth().oauth2(admin).queryParam("prefix", "job-").get(BLOBS + "/checkpoints").then().statusCode(200);
        given().auth().oauth2(admin).delete(url).then().statusCode(204);
    }

    @Test
    void missingOrMalformedTokensAre401WithAnErrorResponse() {
        given().get(url).then().statusCode(401).body("error", equalTo("unauthorized"))
                .header("WWW-Authenticate", containsString("Bearer"));
        given().body("x").put(url).then().statusCode(401).body("status", equalTo(401));
        given().header("Authorization", "Basic dXNlcjpwYXNz").get(url).then().statusCode(401);
        given().auth().oauth2("not-a-jwt").get(url).then().statusCode(401).body("error", equalTo("unauthorized"));
        given().auth().oauth2("").get(BLOBS + "/checkpoints").then().statusCode(401);
        // Authentication comes before anything else: an anonymous hostile path learns nothing.
        given().urlEncodingEnabled(false).get(BLOBS + "/checkpoints/%2e%2e").then().statusCode(401);
    }

    @Test
    void expiredForgedAndForeignTokensAre401() {
        String expired = mint.capability("checkpoints/" + id, Instant.now().minus(Duration.ofMinutes(5)), "write");
        put(expired, url).statusCode(401).body("message", containsString("expired"));

        TokenMint forger = TokenMint.generate(Path.of("target", "forger-" + UUID.randomUUID() + ".pem"));
        put(forger.admin(), url).statusCode(401).body("error", equalTo("unauthorized"));
        put(forger.capability("checkpoints/" + id, "write"), url).statusCode(401);

        String otherIssuer = mint.sign(mint.base(Duration.ofMinutes(5)).issuer("someone-else")
                .groups(Set.of("admin")));
        put(otherIssuer, url).statusCode(401);
        given().get(url.replace(id, "x")).then().statusCode(401);
    }

    @Test
    void aValidTokenThatIsNoCapabilityIs403() {
        String workerToken = mint.sign(mint.base(Duration.ofMinutes(5)).subject("w-1").groups(Set.of("worker")));

        put(workerToken, url).statusCode(403).body("error", equalTo("forbidden"));
    }

    @Test
    void aTokenForAnotherServiceOrForNoneIsRefused() {
        TestTokens tokens = mint.tokens();
        String registryAdmin = tokens.sign(tokens.claims(Kind.ADMIN, "operator", Instant.now(), Duration.ofMinutes(5))
                .audience(Tokens.AUDIENCE_REGISTRY));
        put(registryAdmin, url).statusCode(401).header("WWW-Authenticate", containsString("Bearer"))
                .body("error", equalTo("unauthorized")).body("message", containsString("not for upc-store"));

        String noAudience = tokens.sign(tokens.claims(Kind.ADMIN, "operator", Instant.now(), Duration.ofMinutes(5))
                .remove("aud"));
        put(noAudience, url).statusCode(401).body("message", containsString("no audience"));

        // a worker token is for the registry and the scheduler: the store never takes it, whatever it claims
        String worker = tokens.sign(tokens.claims(Kind.WORKER, "w-1", Instant.now(), Duration.ofMinutes(5))
                .claim(BlobCapability.BLOB_CLAIM, "checkpoints/" + id).claim(BlobCapability.OPERATION_CLAIM, "write"));
        put(worker, url).statusCode(401).body("error", equalTo("unauthorized"));
    }

    @Test
    void aCapabilityMayLiveFifteenMinutesAndNoLonger() {
        TestTokens tokens = mint.tokens();
        String sixteen = tokens.sign(tokens.claims(Kind.CAPABILITY, "w-1", Instant.now(), Duration.ofMinutes(16))
                .claim(BlobCapability.BLOB_CLAIM, "checkpoints/" + id).claim(BlobCapability.OPERATION_CLAIM, "write"));
        put(sixteen, url).statusCode(401).header("WWW-Authenticate", containsString("Bearer"))
                .body("status", equalTo(401)).body("error", equalTo("invalid_token"))
                .body("message", equalTo("a capability token may live at most 15 minutes; this one lives 16 minutes"));

        // an admin group does not stretch a capability: it is still a capability
        String adminCapability = tokens.sign(tokens.claims(Kind.CAPABILITY, "w-1", Instant.now(), Duration.ofHours(1))
                .groups(Tokens.ADMIN).claim(BlobCapability.BLOB_CLAIM, "checkpoints/" + id)
                .claim(BlobCapability.OPERATION_CLAIM, "write"));
        put(adminCapability, url).statusCode(401).body("error", equalTo("invalid_token"));

        String fifteen = tokens.sign(tokens.claims(Kind.CAPABILITY, "w-1", Instant.now(), Duration.ofMinutes(15))
                .claim(BlobCapability.BLOB_CLAIM, "checkpoints/" + id).claim(BlobCapability.OPERATION_CLAIM, "write"));
        put(fifteen, url).statusCode(201);
    }

    @Test
    void anAdminTokenOfMoreThanAYearOrWithoutIatIsRefused() {
        TestTokens tokens = mint.tokens();
        put(tokens.sign(tokens.claims(Kind.ADMIN, "operator", Instant.now(), Duration.ofDays(366))), url).statusCode(401)
                .body("error", equalTo("invalid_token")).body("message", containsString("at most 365 days"));
        put(tokens.resigned(tokens.admin("operator"), claims -> claims.unsetClaim("iat")), url).statusCode(401)
                .body("error", equalTo("invalid_token")).body("message", containsString("no iat"));
        put(tokens.sign(tokens.claims(Kind.ADMIN, "operator", Instant.now(), Duration.ofDays(365))), url).statusCode(201);
    }

    @Test
    void inputsTakeCapabilitiesLikeEveryOtherKind() {
        String input = BLOBS + "/inputs/" + id;
        String write = mint.capability("inputs/" + id, "write");

        put(write, input).statusCode(201).body("kind", equalTo("inputs"));
        put(write, url).statusCode(403);
        given().auth().oauth2(mint.capability("inputs/" + id, "read")).get(input).then().statusCode(200)
                .body(equalTo("payload"));
        given().auth().oauth2(mint.admin()).queryParam("prefix", id).get(BLOBS + "/inputs").then().statusCode(200)
                .body("blobs.id", org.hamcrest.Matchers.contains(id));
    }

    private static ValidatableResponse put(String token, String path) {
        return given().auth().oauth2(token).body("payload").put(path).then();
    }
}
