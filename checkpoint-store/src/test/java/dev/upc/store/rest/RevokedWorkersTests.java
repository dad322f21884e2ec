package dev.upc.store.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.Tokens.Kind;
import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.store.access.RevokedWorkers;
import dev.upc.store.testing.TokenMint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A revoked worker's capabilities stop working at the store as soon as the scheduler passes the list on, although
 * they have not expired; only an admin may set the list.
 */
@QuarkusTest
@WithTestResource(SigningKeysResource.class)
class RevokedWorkersTests {

    private static final String REVOKED = "/api/v1/revoked-workers";

    @Inject
    RevokedWorkers revoked;

    private TokenMint mint;
    private String url;

    @BeforeEach
    void setUp() {
        mint = TokenMint.ofTestApplication();
        String id = "job-" + UUID.randomUUID() + "-1-1";
        url = "/api/v1/blobs/checkpoints/" + id;
        given().auth().oauth2(mint.admin()).body("checkpoint".getBytes()).put(url).then().statusCode(201);
    }

    @AfterEach
    void forget() {
        revoked.replace(List.of());
    }

    private String readCapability(String workerId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return mint.sign(mint.tokens().claims(Kind.CAPABILITY, workerId, now, Duration.ofMinutes(15))
                .claim(BlobCapability.BLOB_CLAIM, url.substring("/api/v1/blobs/".length()))
                .claim(BlobCapability.OPERATION_CLAIM, BlobCapability.READ));
    }

    private ValidatableResponse setRevoked(String token, String body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body).put(REVOKED).then();
    }

    @Test
    void aRevokedWorkersCapabilityIsRefusedBeforeItExpiresAndOthersStillWork() {
        String victim = readCapability("wrevoked00001");
        String other = readCapability("wstillgood001");
        given().auth().oauth2(victim).get(url).then().statusCode(200);

        setRevoked(mint.admin(), "{\"workerIds\":[\"wrevoked00001\"]}").statusCode(204);

        given().auth().oauth2(victim).get(url).then().statusCode(401).body("status", equalTo(401))
                .body("error", equalTo("worker_revoked"));
        given().auth().oauth2(other).get(url).then().statusCode(200);
        given().auth().oauth2(mint.admin()).get(REVOKED).then().statusCode(200)
                .body("workerIds", hasItem("wrevoked00001"));

        setRevoked(mint.admin(), "{\"workerIds\":[]}").statusCode(204);
        given().auth().oauth2(victim).get(url).then().statusCode(200); // the list is replaced, not added to
    }

    @Test
    void onlyAnAdminSetsTheList() {
        String capability = readCapability("wsneaky000001");

        setRevoked(capability, "{\"workerIds\":[]}").statusCode(403);
        given().contentType(ContentType.JSON).body("{\"workerIds\":[]}").put(REVOKED).then().statusCode(401);
        given().auth().oauth2(capability).get(REVOKED).then().statusCode(403);
    }

    @Test
    void aMalformedListIsRefusedAndChangesNothing() {
        setRevoked(mint.admin(), "{\"workerIds\":[\"wkept0000001\"]}").statusCode(204);

        for (String body : new String[] {"{\"workerIds\":[\"a b\"]}", "{\"workerIds\":[\"\"]}", "{\"ids\":[]}",
                "{\"workerIds\":[null]}", "{\"workerIds\":\"w1\"}", "[]", "not json", "{}", "{\"workerIds\":null}",
                "{\"workerIds\":[\"" + "x".repeat(65) + "\"]}"}) {
            setRevoked(mint.admin(), body).statusCode(400).body("status", equalTo(400));
        }
        given().auth().oauth2(mint.admin()).get(REVOKED).then().body("workerIds", equalTo(List.of("wkept0000001")));
    }
}
