package dev.upc.registry;

import static dev.upc.registry.testing.RegistryClient.heartbeat;
import static dev.upc.registry.testing.RegistryClient.registerNew;
import static dev.upc.registry.testing.RegistryClient.sendHeartbeat;
import static dev.upc.registry.testing.RegistryClient.tokens;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.upc.protocol.Tokens;
import dev.upc.protocol.Tokens.Kind;
import dev.upc.registry.testing.RegistryClient;
import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.servicetesting.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

/** The token model of dev.upc.protocol.Tokens as the registry applies it: key ids, audiences, longest lives. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(SigningKeysResource.class)
class TokenModelTests {

    @Test
    void issuedTokensNameTheClusterKeyByItsThumbprintAndTheServicesTheyAreFor() throws Exception {
        String expectedKid = new RsaJsonWebKey(clusterPublicKey()).calculateBase64urlEncodedThumbprint("SHA-256");
        var worker = registerNew();

        assertThat(kid(worker.token())).isEqualTo(expectedKid);
        assertThat(claims(worker.token()).getAudience())
                .containsExactlyInAnyOrder(Tokens.AUDIENCE_REGISTRY, Tokens.AUDIENCE_SCHEDULER);
        String admin = RegistryClient.adminToken();
        assertThat(kid(admin)).isEqualTo(expectedKid);
        assertThat(claims(admin).getAudience())
                .containsExactlyInAnyOrder(Tokens.AUDIENCE_REGISTRY, Tokens.AUDIENCE_SCHEDULER, Tokens.AUDIENCE_STORE);
        assertThat(claims(admin).getStringListClaimValue("groups")).containsExactly(Tokens.ADMIN);
    }

    @Test
    void aTokenForAnotherServiceIsRefused() {
        TestTokens tokens = tokens();
        String schedulerOnly = tokens.sign(tokens.claims(Kind.ADMIN, "operator", Instant.now(), Duration.ofMinutes(5))
                .audience(Tokens.AUDIENCE_SCHEDULER));

        given().auth().oauth2(schedulerOnly).get("/api/v1/workers").then().statusCode(401)
                .header("WWW-Authenticate", notNullValue())
                .body("status", equalTo(401)).body("error", equalTo("unauthorized"))
                .body("message", containsString("not for upc-registry"));
        // a user token (aud: the scheduler only) cannot list workers either, whatever its groups
        String user = tokens.user("alice");
        given().auth().oauth2(user).get("/api/v1/workers").then().statusCode(401);
    }

    @Test
    void aTokenWithoutAudienceIsRefused() {
        TestTokens tokens = tokens();
        String noAudience = tokens.sign(tokens.claims(Kind.ADMIN, "operator", Instant.now(), Duration.ofMinutes(5))
                .remove("aud"));

        given().auth().oauth2(noAudience).get("/api/v1/workers").then().statusCode(401)
                .body("error", equalTo("unauthorized")).body("message", containsString("no audience"));
    }

    @Test
    void aWorkerTokenOfTwoHoursIsRefusedAndOneOfAnHourAccepted() {
        var worker = registerNew();
        TestTokens tokens = tokens();
        String twoHours = tokens.sign(tokens.claims(Kind.WORKER, worker.workerId(), Instant.now(), Duration.ofHours(2)));
        String oneHour = tokens.sign(tokens.claims(Kind.WORKER, worker.workerId(), Instant.now(), Duration.ofHours(1)));

        sendHeartbeat(worker.workerId(), twoHours, heartbeat("IDLE")).statusCode(401)
                .header("WWW-Authenticate", notNullValue())
                .body("status", equalTo(401)).body("error", equalTo("invalid_token"))
                .body("message", equalTo("a worker token may live at most 1 hour; this one lives 2 hours"));
        sendHeartbeat(worker.workerId(), oneHour, heartbeat("IDLE")).statusCode(200);
    }

    @Test
    void anAdminTokenMayLiveAYearAndNoLonger() {
        TestTokens tokens = tokens();
        given().auth().oauth2(tokens.sign(tokens.claims(Kind.ADMIN, "operator", Instant.now(), Duration.ofDays(365))))
                .get("/api/v1/workers").then().statusCode(200);
        given().auth().oauth2(tokens.sign(tokens.claims(Kind.ADMIN, "operator", Instant.now(), Duration.ofDays(366))))
                .get("/api/v1/workers").then().statusCode(401).body("error", equalTo("invalid_token"))
                .body("message", containsString("at most 365 days"));
    }

    @Test
    void aTokenWithoutIssuedAtOrIssuedInTheFutureIsRefused() {
        TestTokens tokens = tokens();
        String noIat = tokens.resigned(tokens.admin("operator"), claims -> claims.unsetClaim("iat"));
        given().auth().oauth2(noIat).get("/api/v1/workers").then().statusCode(401)
                .body("error", equalTo("invalid_token")).body("message", containsString("iat"));

        // issued "in a month", living a minute: otherwise usable for a month, far beyond a capability's 15 minutes
        String ahead = tokens.sign(tokens.claims(Kind.ADMIN, "operator", Instant.now().plus(Duration.ofDays(30)),
                Duration.ofMinutes(1)));
        given().auth().oauth2(ahead).get("/api/v1/workers").then().statusCode(401)
                .body("error", equalTo("invalid_token")).body("message", containsString("in the future"));
    }

    @Test
    void aTokenOfNoKindIsRefused() {
        TestTokens tokens = tokens();
        String guest = tokens.sign(tokens.claims(Kind.ADMIN, "visitor", Instant.now(), Duration.ofMinutes(5))
                .groups("guest"));

        given().auth().oauth2(guest).get("/api/v1/workers").then().statusCode(401)
                .body("error", equalTo("invalid_token")).body("message", containsString("none of them"));
    }

    @Test
    void theRulesDoNotTouchAnonymousCalls() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/api/v1/workers").then().statusCode(401).body("error", equalTo("unauthorized"));
    }

    private static String kid(String token) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(token);
        return jws.getKeyIdHeaderValue();
    }

    private static JwtClaims claims(String token) throws Exception {
        return JwtClaims.parse(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    private static RSAPublicKey clusterPublicKey() throws Exception {
        String location = ConfigProvider.getConfig().getValue(SigningKeysResource.PUBLIC_KEY_LOCATION, String.class);
        String base64 = Files.readString(Path.of(location.replaceFirst("^file:", "")))
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }
}
