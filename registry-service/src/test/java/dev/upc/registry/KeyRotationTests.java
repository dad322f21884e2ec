package dev.upc.registry;

import static dev.upc.registry.testing.RegistryClient.heartbeat;
import static dev.upc.registry.testing.RegistryClient.registerNew;
import static dev.upc.registry.testing.RegistryClient.sendHeartbeat;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.protocol.Tokens.Kind;
import dev.upc.servicehttp.SigningKeys;
import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.RotatedKeysResource;
import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.servicetesting.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

/** The registry verifying with a JWK set of two keys, as during a key rotation (README "Rotating the key"). */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(RotatedKeysResource.class)
class KeyRotationTests {

    @Test
    void tokensOfBothKeysInTheSetAreAcceptedAndTheRetiredKeysRefused() {
        TestTokens current = TestTokens.ofTestApplication();
        TestTokens previous = RotatedKeysResource.tokens(RotatedKeysResource.PREVIOUS_KEY_LOCATION);
        TestTokens retired = RotatedKeysResource.tokens(RotatedKeysResource.RETIRED_KEY_LOCATION);
        assertThat(ConfigProvider.getConfig().getValue(SigningKeysResource.PUBLIC_KEY_LOCATION, String.class))
                .endsWith("jwks.json");

        given().auth().oauth2(current.admin("operator")).get("/api/v1/workers").then().statusCode(200);
        given().auth().oauth2(previous.admin("operator")).get("/api/v1/workers").then().statusCode(200);
        given().auth().oauth2(retired.admin("operator")).get("/api/v1/workers").then().statusCode(401)
                .body("error", equalTo("unauthorized"))
                .body("message", containsString("not signed by a key this service knows"));
    }

    @Test
    void theRegistrySignsWithTheCurrentKeyAndItsTokensWork() throws Exception {
        var worker = registerNew();

        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(worker.token());
        assertThat(jws.getKeyIdHeaderValue()).isEqualTo(TestTokens.ofTestApplication().keyId())
                .isNotEqualTo(RotatedKeysResource.tokens(RotatedKeysResource.PREVIOUS_KEY_LOCATION).keyId());
        sendHeartbeat(worker.workerId(), worker.token(), heartbeat("IDLE")).statusCode(200);
    }

    @Test
    void aTokenWithoutKidOrWithAnotherKeysKidIsRefused() {
        TestTokens previous = RotatedKeysResource.tokens(RotatedKeysResource.PREVIOUS_KEY_LOCATION);
        var key = SigningKeys.read(ConfigProvider.getConfig()
                .getValue(RotatedKeysResource.PREVIOUS_KEY_LOCATION, String.class));

        String noKid = previous.claims(Kind.ADMIN, "operator", Instant.now(), Duration.ofMinutes(5))
                .jws().algorithm(SignatureAlgorithm.RS256).sign(key.privateKey());
        given().auth().oauth2(noKid).get("/api/v1/workers").then().statusCode(401);

        String wrongKid = previous.claims(Kind.ADMIN, "operator", Instant.now(), Duration.ofMinutes(5))
                .jws().algorithm(SignatureAlgorithm.RS256).keyId(TestTokens.ofTestApplication().keyId())
                .sign(key.privateKey());
        given().auth().oauth2(wrongKid).get("/api/v1/workers").then().statusCode(401);
    }
}
