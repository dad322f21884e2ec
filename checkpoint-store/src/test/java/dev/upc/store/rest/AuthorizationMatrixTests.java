package dev.upc.store.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.Tokens.Kind;
import dev.upc.servicetesting.AuthorizationMatrix;
import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.store.testing.TokenMint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the store × every kind of caller → the status it gets. {@code reader} and {@code writer} hold a
 * capability to read or to write the blob the call names, {@code stranger} one for another blob; {@code worker} and
 * {@code user} hold tokens for the registry and the scheduler, which the store never accepts; {@code service} is the
 * scheduler's own token, which reads and deletes blobs and hands on the revoked workers, and writes and lists nothing. A GET, HEAD or DELETE
 * names a blob that exists, a PUT one that does not yet.
 */
@QuarkusTest
@WithTestResource(SigningKeysResource.class)
class AuthorizationMatrixTests {

    static final AuthorizationMatrix MATRIX = AuthorizationMatrix.parse("""
                                              none  admin  reader  writer  stranger  worker  user  service
            PUT    /api/v1/blobs/{kind}/{id}  401   201    403     201     403       401     401   403
            GET    /api/v1/blobs/{kind}/{id}  401   200    200     403     403       401     401   200
            HEAD   /api/v1/blobs/{kind}/{id}  401   200    200     403     403       401     401   200
            DELETE /api/v1/blobs/{kind}/{id}  401   204    403     403     403       401     401   204
            GET    /api/v1/blobs/{kind}       401   200    403     403     403       401     401   403
            GET    /api/v1/revoked-workers    401   200    403     403     403       401     401   200
            PUT    /api/v1/revoked-workers    401   400    403     403     403       401     401   400
            """);

    /** The blob API is plain Vert.x routes ({@link BlobRoutes}), not JAX-RS: its rows are named here. */
    private static final List<String> BLOB_ROUTES = List.of("PUT /api/v1/blobs/{kind}/{id}",
            "GET /api/v1/blobs/{kind}/{id}", "HEAD /api/v1/blobs/{kind}/{id}", "DELETE /api/v1/blobs/{kind}/{id}",
            "GET /api/v1/blobs/{kind}");

    @Test
    void theTableNamesEveryEndpointOfTheStore() {
        assertThat(MATRIX.endpoints()).containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(
                BLOB_ROUTES.stream(),
                AuthorizationMatrix.endpoints(RevokedWorkersResource.class, "dev.upc.store").keySet().stream()).toList());
    }

    @Test
    void everyCallerGetsWhatTheTableSays() {
        TokenMint mint = TokenMint.ofTestApplication();
        AtomicReference<String> blob = new AtomicReference<>();
        Map<String, AuthorizationMatrix.Caller> callers = new HashMap<>();
        for (String caller : MATRIX.callers()) {
            callers.put(caller, endpoint -> {
                String token = switch (caller) {
                    case "admin" -> mint.admin();
                    case "reader" -> mint.capability(blob.get(), "read");
                    case "writer" -> mint.capability(blob.get(), "write");
                    case "stranger" -> mint.capability(blob.get() + "x", "read", "write");
                    case "worker" -> mint.tokens().worker("w1");
                    case "user" -> mint.tokens().user("alice");
                    case "service" -> mint.tokens().token(Kind.SERVICE, "upc-scheduler");
                    default -> null;
                };
                RequestSpecification request = given();
                if (token != null) {
                    request.auth().oauth2(token);
                }
                if (endpoint.equals("PUT /api/v1/revoked-workers")) {
                    request.contentType("application/json").body("{}");
                } else if (endpoint.startsWith("PUT")) {
                    request.contentType("application/octet-stream").body("payload".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                return request;
            });
        }

        List<String> wrong = MATRIX.violations(callers, endpoint -> {
            blob.set("checkpoints/job-" + UUID.randomUUID() + "-1-1");
            if (!endpoint.startsWith("PUT")) {
                given().auth().oauth2(mint.admin()).body("payload").put("/api/v1/blobs/" + blob.get()).then()
                        .statusCode(201);
            }
            return endpoint.substring(endpoint.indexOf(' ') + 1).replace("{kind}/{id}", blob.get())
                    .replace("{kind}", "checkpoints");
        });

        assertThat(wrong).as("calls whose answer the table does not expect").isEmpty();
    }
}
