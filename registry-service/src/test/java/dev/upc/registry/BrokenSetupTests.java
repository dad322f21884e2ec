package dev.upc.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A registry set up wrong (no database at its URL, no key files, no join token) still starts: it is alive, not ready,
 * says why in its readiness check, and answers API calls 503 with the reason instead of crash-looping.
 */
@QuarkusTest
@WithTestResource(BrokenSetupTests.BrokenSetup.class)
class BrokenSetupTests {

    @Test
    void readinessNamesEachProblem() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'setup' }.data.database",
                        equalTo("database upc_registry at 127.0.0.1:1 unreachable: Connection refused; retrying every 5 s"))
                .body("checks.find { it.name == 'setup' }.data.'signing-key'",
                        containsString("cannot read the signing key file:/nonexistent/upc/private.pem: no such file"))
                .body("checks.find { it.name == 'setup' }.data.'public-key'",
                        containsString("cannot read the public key file:/nonexistent/upc/jwks.json: no such file"))
                .body("checks.find { it.name == 'setup' }.data.'join-token'",
                        containsString("no join token: set UPC_JOIN_TOKEN"));
    }

    @Test
    void livenessStaysUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void apiCallsAreAnswered503WithTheReason() {
        given().get("/api/v1/workers").then().statusCode(503)
                .header("Retry-After", "5")
                .body("status", equalTo(503))
                .body("error", equalTo("not_ready"))
                .body("message", containsString("database upc_registry at 127.0.0.1:1 unreachable"));
    }

    public static class BrokenSetup implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of(
                    "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:1/upc_registry",
                    "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:1/upc_registry",
                    "mp.jwt.verify.publickey.location", "file:/nonexistent/upc/jwks.json",
                    "smallrye.jwt.sign.key.location", "file:/nonexistent/upc/private.pem",
                    "upc.registry.join-token", "");
        }

        @Override
        public void stop() {
        }
    }
}
