package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.job;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.Tokens;
import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.rest.JobResource;
import dev.upc.scheduler.testing.Api;
import dev.upc.scheduler.testing.SchedulerTest;
import dev.upc.servicetesting.AuthorizationMatrix;
import dev.upc.servicetesting.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the scheduler × every kind of caller → the status it gets. {@code owner} is alice, whose job the
 * call names; {@code other} is bob, another user; {@code worker} is the PC the call names ({@code wa}), {@code peer}
 * another PC; {@code capability} a store capability and {@code service} the scheduler's own token for the registry and
 * the store, neither of which the scheduler accepts. Another user's job is 404, as
 * if it did not exist; {@code ok} is "authorized, and the answer depends on the body" (the body here is {@code {}}).
 */
@QuarkusTest
class AuthorizationMatrixTests extends SchedulerTest {

    static final AuthorizationMatrix MATRIX = AuthorizationMatrix.parse("""
                                                          none  admin          owner          other              worker  peer  capability  service
            GET    /api/v1/agents/{workerId}/commands     401   403            403            403                200     403   401         401
            POST   /api/v1/agents/{workerId}/events       401   403            403            403                400     403   401         401
            PUT    /api/v1/agents/{workerId}/owner        401   403            403            403                400     403   401         401
            POST   /api/v1/agents/{workerId}/blob-tokens  401   403            403            403                400     403   401         401
            POST   /api/v1/agents/{workerId}/logs         401   403            403            403                400     403   401         401
            GET    /api/v1/whoami                         401   200            200            200                200     200   401         401
            GET    /api/v1/cluster                        401   200            200            200                200     200   401         401
            POST   /api/v1/jobs                           401   400            400            400                403     403   401         401
            GET    /api/v1/jobs                           401   200            200            200                403     403   401         401
            GET    /api/v1/jobs/{jobId}                   401   200            200            404:job_not_found  403     403   401         401
            GET    /api/v1/jobs/{jobId}/events            401   200            200            404:job_not_found  403     403   401         401
            DELETE /api/v1/jobs/{jobId}                   401   200            200            404:job_not_found  403     403   401         401
            POST   /api/v1/jobs/{jobId}/migrate           401   409            409            404:job_not_found  403     403   401         401
            GET    /api/v1/jobs/{jobId}/logs              401   200            200            404:job_not_found  403     403   401         401
            GET    /api/v1/jobs/{jobId}/output            401   404:no_output  404:no_output  404:job_not_found  403     403   401         401
            POST   /api/v1/images/uploads                 401   400            400            400                403     403   401         401
            POST   /api/v1/images                         401   400            400            400                403     403   401         401
            GET    /api/v1/images                         401   200            200            200                403     403   401         401
            POST   /api/v1/inputs/uploads                 401   400            400            400                403     403   401         401
            POST   /api/v1/users                          401   400            403            403                403     403   401         401
            GET    /api/v1/users                          401   200            403            403                403     403   401         401
            POST   /api/v1/users/{name}/tokens            401   201            403            403                403     403   401         401
            DELETE /api/v1/users/{name}                   401   200            403            403                403     403   401         401
            """);

    @Test
    void theTableNamesEveryEndpointOfTheScheduler() {
        SortedMap<String, String> served = AuthorizationMatrix.endpoints(JobResource.class, "dev.upc.scheduler");

        assertThat(MATRIX.endpoints()).containsExactlyElementsOf(served.keySet());
    }

    @Test
    void everyCallerGetsWhatTheTableSays() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 1);
        workers.put("wb", WorkerStatus.ONLINE, 1.0, 1);
        SortedMap<String, String> consumes = AuthorizationMatrix.endpoints(JobResource.class, "dev.upc.scheduler");
        Map<String, String> bearer = Map.of(
                "admin", Api.token("root", Tokens.ADMIN),
                "owner", Api.token("alice", Tokens.USER),
                "other", Api.token("bob", Tokens.USER),
                "worker", Api.token("wa", Tokens.WORKER),
                "peer", Api.token("wb", Tokens.WORKER),
                "capability", TestTokens.ofTestApplication().capability("wa", "checkpoints/job-1-1-1", "read", "write"),
                "service", TestTokens.ofTestApplication().token(Tokens.Kind.SERVICE, "upc-scheduler"));
        Map<String, AuthorizationMatrix.Caller> callers = new HashMap<>();
        for (String caller : MATRIX.callers()) {
            callers.put(caller, endpoint -> {
                RequestSpecification request = given();
                if (bearer.containsKey(caller)) {
                    request.auth().oauth2(bearer.get(caller));
                }
                if (endpoint.startsWith("POST") || endpoint.startsWith("PUT")) {
                    String type = consumes.get(endpoint);
                    request.contentType(type.isEmpty() || type.contains("json") ? "application/json" : type).body("{}");
                }
                return request;
            });
        }
        AtomicInteger serial = new AtomicInteger();

        List<String> wrong = MATRIX.violations(callers, endpoint -> {
            // A fresh job and user for every call: a cancel or a revocation must not change the next answer.
            String jobId = Api.asUser("alice").contentType(ContentType.JSON).body(job("m" + serial.incrementAndGet()))
                    .post("/api/v1/jobs").then().statusCode(201).extract().path("id");
            String userName = "u" + serial.get();
            Api.token(userName, Tokens.USER);
            return endpoint.substring(endpoint.indexOf(' ') + 1).replace("{workerId}", "wa").replace("{jobId}", jobId)
                    .replace("{name}", userName) + (endpoint.endsWith("/commands") ? "?waitSeconds=0" : "");
        });

        assertThat(wrong).as("calls whose answer the table does not expect").isEmpty();
    }
}
