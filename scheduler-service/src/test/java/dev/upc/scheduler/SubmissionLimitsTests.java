package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.asAdmin;
import static dev.upc.scheduler.testing.Api.asUser;
import static dev.upc.scheduler.testing.Api.job;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.upc.scheduler.testing.SchedulerTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A user who submits too fast or holds too many unfinished jobs gets a 429 with Retry-After; others do not. */
@QuarkusTest
@TestProfile(SubmissionLimitsTests.Small.class)
class SubmissionLimitsTests extends SchedulerTest {

    public static class Small implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("upc.scheduler.users.submissions-per-minute", "6",
                    "upc.scheduler.users.max-unfinished-jobs", "3");
        }
    }

    private static ValidatableResponse submitAs(String user, String name) {
        return asUser(user).contentType(ContentType.JSON).body(job(name)).post("/api/v1/jobs").then();
    }

    @Test
    void theUnfinishedJobsOfOneUserAreCappedAndACancelledOneFreesItsPlace() {
        String first = submitAs("carol", "c1").statusCode(201).extract().path("id");
        submitAs("carol", "c2").statusCode(201);
        submitAs("carol", "c3").statusCode(201);

        submitAs("carol", "c4").statusCode(429).body("status", equalTo(429)).body("error", equalTo("too_many_jobs"))
                .body("message", containsString("3 unfinished jobs")).header("Retry-After", notNullValue());
        submitAs("dave", "d1").statusCode(201); // another user is not held back
        asAdmin().contentType(ContentType.JSON).body(job("ops")).post("/api/v1/jobs").then().statusCode(201);

        asUser("carol").delete("/api/v1/jobs/{id}", first).then().statusCode(200);
        submitAs("carol", "c4").statusCode(201);
    }

    @Test
    void aUserWhoSubmitsFasterThanTheRateWaits() {
        // erin's six in a minute go through (each cancelled at once, so the cap of 3 unfinished is not what stops her)
        for (int i = 0; i < 6; i++) {
            String id = submitAs("erin", "e" + i).statusCode(201).extract().path("id");
            asUser("erin").delete("/api/v1/jobs/{id}", id).then().statusCode(200);
        }

        // A token every 10 s: the wait is 10 s less the time the six took (a slow machine takes seconds)
        String retryAfter = submitAs("erin", "e6").statusCode(429).body("error", equalTo("too_many_submissions"))
                .extract().header("Retry-After");
        org.assertj.core.api.Assertions.assertThat(Integer.parseInt(retryAfter)).isBetween(1, 10);
    }
}
