package dev.upc.store.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.servicetesting.RotatedKeysResource;
import dev.upc.servicetesting.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The store verifying with a JWK set of two keys, as during a key rotation: its own token check (BlobAccess, not
 * the HTTP security layer) picks the key by kid.
 */
@QuarkusTest
@WithTestResource(RotatedKeysResource.class)
class StoreKeyRotationTests {

    @Test
    void capabilitiesOfBothKeysInTheSetAreAcceptedAndTheRetiredKeysRefused() {
        TestTokens current = TestTokens.ofTestApplication();
        TestTokens previous = RotatedKeysResource.tokens(RotatedKeysResource.PREVIOUS_KEY_LOCATION);
        TestTokens retired = RotatedKeysResource.tokens(RotatedKeysResource.RETIRED_KEY_LOCATION);
        String id = "rotated-" + UUID.randomUUID();
        String url = "/api/v1/blobs/checkpoints/" + id;

        given().auth().oauth2(current.capability("w-1", "checkpoints/" + id, "write")).body("payload").put(url)
                .then().statusCode(201);
        given().auth().oauth2(previous.capability("w-1", "checkpoints/" + id, "read")).get(url)
                .then().statusCode(200).body(equalTo("payload"));
        given().auth().oauth2(retired.capability("w-1", "checkpoints/" + id, "read")).get(url)
                .then().statusCode(401).body("error", equalTo("unauthorized"))
                .body("message", containsString("not signed by a key this service knows"));
        given().auth().oauth2(previous.admin("operator")).delete(url).then().statusCode(204);
    }
}
