package dev.upc.registry;

import static dev.upc.registry.testing.RegistryClient.JOIN_TOKEN;
import static dev.upc.registry.testing.RegistryClient.registerNew;
import static dev.upc.registry.testing.RegistryClient.tokens;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.Tokens;
import dev.upc.registry.rest.WorkerResource;
import dev.upc.registry.testing.RegistryClient;
import dev.upc.servicetesting.AuthorizationMatrix;
import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the registry × every kind of caller → the status it gets. {@code join} holds the join token, which
 * only enrols a new PC; {@code worker} is the PC the call names, {@code peer} another enrolled PC; {@code user} and
 * {@code capability} hold tokens for the scheduler and the store, which the registry never accepts; {@code service} is
 * the scheduler's own token, which lists the workers and the revocations and nothing else. Each call names a
 * PC enrolled for it, so a removal or a revocation cannot change the next answer. The body is {@code {}}.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(SigningKeysResource.class)
class AuthorizationMatrixTests {

    static final AuthorizationMatrix MATRIX = AuthorizationMatrix.parse("""
                                                          none  admin  join  worker  peer  user  capability  service
            POST   /api/v1/workers                        401   401    400   401     401   401   401         401
            GET    /api/v1/workers                        401   200    401   403     403   401   401         200
            GET    /api/v1/workers/{workerId}             401   200    401   403     403   401   401         403
            DELETE /api/v1/workers/{workerId}             401   204    401   403     403   401   401         403
            PUT    /api/v1/workers/{workerId}/heartbeat   401   403    401   400     403   401   401         403
            POST   /api/v1/workers/{workerId}/drain       401   200    401   403     403   401   401         403
            POST   /api/v1/workers/{workerId}/undrain     401   200    401   403     403   401   401         403
            POST   /api/v1/workers/{workerId}/approve     401   200    401   403     403   401   401         403
            POST   /api/v1/workers/{workerId}/revoke      401   204    401   403     403   401   401         403
            GET    /api/v1/worker-revocations             401   200    401   403     403   401   401         200
            DELETE /api/v1/worker-revocations/{workerId}  401   204    401   403     403   401   401         403
            """);

    @Test
    void theTableNamesEveryEndpointOfTheRegistry() {
        assertThat(MATRIX.endpoints())
                .containsExactlyElementsOf(AuthorizationMatrix.endpoints(WorkerResource.class, "dev.upc.registry").keySet());
    }

    @Test
    void everyCallerGetsWhatTheTableSays() {
        AtomicReference<RegistryClient.Registered> self = new AtomicReference<>();
        RegistryClient.Registered peer = registerNew();
        Map<String, String> bearer = Map.of(
                "admin", RegistryClient.adminToken(),
                "join", JOIN_TOKEN,
                "peer", peer.token(),
                "user", tokens().user("alice"),
                "capability", tokens().capability("w1", "checkpoints/job-1-1-1", "read"),
                "service", tokens().token(Tokens.Kind.SERVICE, "upc-scheduler"));
        Map<String, AuthorizationMatrix.Caller> callers = new HashMap<>();
        for (String caller : MATRIX.callers()) {
            callers.put(caller, endpoint -> {
                RequestSpecification request = given();
                String token = caller.equals("worker") ? self.get().token() : bearer.get(caller);
                if (token != null) {
                    request.auth().oauth2(token);
                }
                if (endpoint.startsWith("POST") || endpoint.startsWith("PUT")) {
                    request.contentType("application/json").body("{}");
                }
                return request;
            });
        }

        List<String> wrong = MATRIX.violations(callers, endpoint -> {
            self.set(registerNew());
            return endpoint.substring(endpoint.indexOf(' ') + 1).replace("{workerId}", self.get().workerId());
        });

        assertThat(wrong).as("calls whose answer the table does not expect").isEmpty();
    }
}
