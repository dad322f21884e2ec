package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.asUser;
import static dev.upc.scheduler.testing.Api.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.JobEventType;
import dev.upc.scheduler.service.JobStore;
import dev.upc.scheduler.testing.SchedulerTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A job's history stays bounded: only the newest periodic-checkpoint entries are kept, every other entry stays. */
@QuarkusTest
class JobHistoryTests extends SchedulerTest {

    @Test
    void onlyTheNewestCheckpointEntriesOfAJobAreKept() {
        String id = asUser("alice").contentType(ContentType.JSON).body(job("long")).post("/api/v1/jobs").then()
                .statusCode(201).extract().path("id");
        int written = JobStore.KEPT_CHECKPOINT_EVENTS + 5;
        for (int i = 1; i <= written; i++) {
            int n = i;
            pool.withTransaction(c -> store.event(c, id, 1, JobEventType.CHECKPOINTED, "wa", Map.of("n", n),
                    Instant.now())).await().atMost(Duration.ofSeconds(10));
        }

        List<Map<String, Object>> events = asUser("alice").queryParam("limit", 1000)
                .get("/api/v1/jobs/{id}/events", id).then().statusCode(200).extract().path("events");
        List<Object> checkpoints = events.stream().filter(e -> "CHECKPOINTED".equals(e.get("type")))
                .map(e -> ((Map<?, ?>) e.get("details")).get("n")).map(Object.class::cast).toList();

        assertThat(checkpoints).hasSize(JobStore.KEPT_CHECKPOINT_EVENTS)
                .first().isEqualTo(written - JobStore.KEPT_CHECKPOINT_EVENTS + 1);
        assertThat(checkpoints).last().isEqualTo(written);
        assertThat(events).as("the other entries stay").anyMatch(e -> "SUBMITTED".equals(e.get("type")));
    }
}
