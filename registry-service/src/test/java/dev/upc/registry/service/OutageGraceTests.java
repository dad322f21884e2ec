package dev.upc.registry.service;

import static dev.upc.registry.testing.RegistryClient.asAdmin;
import static dev.upc.registry.testing.RegistryClient.registerNew;
import static dev.upc.registry.testing.RegistryClient.registration;
import static dev.upc.registry.testing.RegistryClient.uniqueMachineId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.servicetesting.MovableClock;
import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * After no replica could record heartbeats for a while (the registry or its database down), a PC silent past lost-after
 * is ONLINE again and has its whole lost-after time to heartbeat before it is LOST; the list filters agree.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(SigningKeysResource.class)
class OutageGraceTests {

    @Inject
    MovableClock clock;

    @Inject
    OutageGrace grace;

    @Inject
    Pool pool;

    @Test
    void aPcSilentThroughAnOutageGetsItsLostAfterTimeAgain() {
        String group = "outage-" + uniqueMachineId().substring(2, 10);
        Map<String, Object> body = registration(uniqueMachineId());
        body.put("labels", Map.of("group", group));
        Map<String, Object> goneBody = registration(uniqueMachineId());
        goneBody.put("labels", Map.of("group", group));
        var longGone = registerNew(goneBody);
        clock.advance(Duration.ofMinutes(10)); // LOST long before the outage below
        var worker = registerNew(body);
        clock.advance(Duration.ofSeconds(100));
        assertStatus(worker.workerId(), "LOST");

        // No replica touched the row for a minute: the registry (or its database) was down.
        pool.query("UPDATE registry_presence SET seen_at = now() - interval '1 minute'").execute()
                .await().atMost(Duration.ofSeconds(10));
        grace.touch().await().atMost(Duration.ofSeconds(10));

        assertThat(grace.outage().to()).isCloseTo(clock.instant(), within(1, ChronoUnit.SECONDS));
        assertThat(grace.outage().from()).isCloseTo(clock.instant().minusSeconds(60), within(5, ChronoUnit.SECONDS));
        assertStatus(worker.workerId(), "ONLINE");
        assertStatus(longGone.workerId(), "LOST");
        assertThat(ids(group, "LOST")).containsExactly(longGone.workerId());
        assertThat(ids(group, "ONLINE")).contains(worker.workerId());
        clock.advance(Duration.ofSeconds(31));
        assertStatus(worker.workerId(), "SUSPECT");
        assertThat(ids(group, "SUSPECT")).contains(worker.workerId());
        clock.advance(Duration.ofSeconds(60));
        assertStatus(worker.workerId(), "LOST");
        assertThat(ids(group, "LOST")).contains(worker.workerId());

        grace.touch().await().atMost(Duration.ofSeconds(10));
        assertStatus(worker.workerId(), "LOST"); // touched in time: no new outage
    }

    private static List<String> ids(String group, String status) {
        return asAdmin().get("/api/v1/workers?label=group=" + group + "&status=" + status).then().statusCode(200)
                .extract().path("workers.workerId");
    }

    private static void assertStatus(String workerId, String status) {
        asAdmin().get("/api/v1/workers/{id}", workerId).then().statusCode(200).body("status", equalTo(status));
    }
}
