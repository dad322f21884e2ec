package dev.upc.registry;

import static dev.upc.registry.testing.RegistryClient.asAdmin;
import static dev.upc.registry.testing.RegistryClient.heartbeat;
import static dev.upc.registry.testing.RegistryClient.registerNew;
import static dev.upc.registry.testing.RegistryClient.registration;
import static dev.upc.registry.testing.RegistryClient.sendHeartbeat;
import static dev.upc.registry.testing.RegistryClient.uniqueMachineId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.registry.metrics.RegistryMetrics;
import dev.upc.servicetesting.MovableClock;
import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Status transitions with the registry's clock moved forward (suspect-after 30 s, lost-after 90 s). */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(SigningKeysResource.class)
class LivenessTests {

    @Inject
    MovableClock clock;

    @Inject
    RegistryMetrics metrics;

    @Test
    void aSilentWorkerGoesFromOnlineToSuspectToLostAndBackOnItsNextHeartbeat() {
        var worker = registerNew();
        assertStatus(worker.workerId(), "ONLINE");

        // The clock is real time plus the offset moved here: 5 s of margin either side of each threshold, so that a
        // slow request (the first ones of a test run take over a second on a loaded machine) does not cross one.
        clock.advance(Duration.ofSeconds(25));
        assertStatus(worker.workerId(), "ONLINE");
        clock.advance(Duration.ofSeconds(10));
        assertStatus(worker.workerId(), "SUSPECT");
        clock.advance(Duration.ofSeconds(50));
        assertStatus(worker.workerId(), "SUSPECT");
        clock.advance(Duration.ofSeconds(10));
        assertStatus(worker.workerId(), "LOST");

        sendHeartbeat(worker.workerId(), worker.token(), heartbeat("IDLE")).statusCode(200);
        assertStatus(worker.workerId(), "ONLINE");
    }

    @Test
    void theListFiltersByStatusAndLabel() {
        String group = "liveness-" + uniqueMachineId().substring(2, 10);
        var quiet = registerNew(labelled(group));
        clock.advance(Duration.ofSeconds(40));
        var chatty = registerNew(labelled(group));
        clock.advance(Duration.ofSeconds(60)); // quiet: 100 s → LOST; chatty: 60 s → SUSPECT
        var fresh = registerNew(labelled(group));

        assertThat(idsWith("status=ONLINE&label=group=" + group)).containsExactly(fresh.workerId());
        assertThat(idsWith("status=SUSPECT&label=group=" + group)).containsExactly(chatty.workerId());
        assertThat(idsWith("status=lost&label=group=" + group)).containsExactly(quiet.workerId());
        assertThat(idsWith("label=group=" + group)).containsExactlyInAnyOrder(
                quiet.workerId(), chatty.workerId(), fresh.workerId());
        assertThat(idsWith("label=group=" + group + "&label=room=lab-3")).hasSize(3);
        assertThat(idsWith("label=group=" + group + "&label=room=elsewhere")).isEmpty();
        assertThat(idsWith("label=group=" + group + "&label=" + group + "-only")).isEmpty();
    }

    @Test
    void theGaugeCountsWorkersPerStatus() {
        registerNew();
        metrics.refreshWorkerGauges().await().atMost(Duration.ofSeconds(10));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("upc_registry_workers{status=\"ONLINE\"}"))
                .body(containsString("upc_registry_workers{status=\"LOST\"}"));
    }

    private static Map<String, Object> labelled(String group) {
        Map<String, Object> body = registration(uniqueMachineId());
        body.put("labels", Map.of("group", group, "room", "lab-3"));
        return body;
    }

    private static List<String> idsWith(String query) {
        return asAdmin().get("/api/v1/workers?" + query).then().statusCode(200).extract().path("workers.workerId");
    }

    private static void assertStatus(String workerId, String status) {
        asAdmin().get("/api/v1/workers/{id}", workerId).then().statusCode(200).body("status", equalTo(status));
    }
}
