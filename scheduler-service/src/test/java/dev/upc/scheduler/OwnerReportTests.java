package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.asUser;
import static dev.upc.scheduler.testing.Api.getJob;
import static dev.upc.scheduler.testing.Api.submitJob;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.policy.Decisions;
import dev.upc.scheduler.testing.Api;
import dev.upc.scheduler.testing.SchedulerTest;
import dev.upc.scheduler.testing.ScriptedAgent;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The owner's return told straight to the scheduler ({@code PUT /api/v1/agents/{id}/owner}): the job its agent holds
 * suspended stays there while no PC is free and is not evicted, moves as soon as one is, and runs on when the owner
 * leaves; the newest report wins; an agent can hold only its own running jobs.
 */
@QuarkusTest
class OwnerReportTests extends SchedulerTest {

    @jakarta.inject.Inject
    dev.upc.scheduler.owner.OwnerReports owners;

    /** Now, not a fixed date: the planner measures a hold against the wall clock (max-suspend is 10 min). */
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private record Running(ScriptedAgent agent, String jobId) {
    }

    private Running runningOn(String workerId) {
        workers.put(workerId, WorkerStatus.ONLINE, 1.0, 1);
        ScriptedAgent agent = new ScriptedAgent(workerId);
        String id = submitJob("held");
        plan();
        agent.reportOk(agent.expect("RUN"), "STARTED");
        return new Running(agent, id);
    }

    private static List<Map<String, Object>> held(String jobId) {
        return List.of(Map.of("jobId", jobId, "epoch", 1));
    }

    @Test
    void aSuspendedJobWaitsOnItsPcUntilTheOwnerLeaves() {
        Running desk = runningOn("desk");

        desk.agent().owner("ACTIVE", t0, held(desk.jobId())).statusCode(204);
        Decisions decisions = plan();

        assertThat(decisions.evictions()).as("held at no CPU, nothing to gain from evicting it").isEmpty();
        assertThat(decisions.migrations()).isEmpty();
        getJob(desk.jobId()).body("state", equalTo("RUNNING")).body("suspendedSince", equalTo(t0.toString()));

        desk.agent().owner("IDLE", t0.plusSeconds(30), List.of()).statusCode(204);
        assertThat(plan().isEmpty()).isTrue();
        getJob(desk.jobId()).body("state", equalTo("RUNNING")).body("suspendedSince", nullValue());
        asUser().get("/api/v1/jobs/{id}/events", desk.jobId()).then()
                .body("events.type", equalTo(List.of("SUBMITTED", "PLACED", "STARTED", "SUSPENDED", "RESUMED")));
    }

    /**
     * A PC shutting down (its agent got SIGTERM) is treated as drained: its job moves to a free PC from a checkpoint
     * taken now; the agent's next report at its start (a newer one, not leaving) makes it a PC like any again.
     */
    @Test
    void aPcShuttingDownHasItsJobMovedAwayAsFromADrainedPc() {
        Running desk = runningOn("desk");
        workers.put("spare", WorkerStatus.ONLINE, 1.0, 1);
        assertThat(plan().migrations()).as("nothing to gain while desk stays").isEmpty();

        desk.agent().leaving(t0).statusCode(204);

        assertThat(plan().migrations()).singleElement().satisfies(m -> {
            assertThat(m.to()).isEqualTo("spare");
            assertThat(m.reason()).isEqualTo(Decisions.Reason.DRAIN);
        });
        assertThat(desk.agent().expect("CHECKPOINT")).containsEntry("jobId", desk.jobId());

        // started again, its clock behind the one that shut down: the report clears leaving all the same
        desk.agent().owner("IDLE", t0.minusSeconds(30), List.of()).statusCode(204);
        owners.refresh().await().atMost(java.time.Duration.ofSeconds(5));
        assertThat(owners.presence("desk")).hasValueSatisfying(p -> assertThat(p.leaving()).isFalse());
    }

    @Test
    void aSuspendedJobMovesAsSoonAsAPcIsFree() {
        Running desk = runningOn("desk");
        desk.agent().owner("ACTIVE", t0, held(desk.jobId())).statusCode(204);
        assertThat(plan().migrations()).isEmpty();

        workers.put("spare", WorkerStatus.ONLINE, 1.0, 1);

        assertThat(plan().migrations()).singleElement().satisfies(m -> {
            assertThat(m.to()).isEqualTo("spare");
            assertThat(m.reason()).isEqualTo(Decisions.Reason.OWNER_ACTIVE);
        });
    }

    @Test
    void aJobThatCannotMoveIsKilledAfterTheLongestHoldAndStartsAgainFromScratch() {
        workers.put("desk", WorkerStatus.ONLINE, 1.0, 1);
        ScriptedAgent agent = new ScriptedAgent("desk");
        Map<String, Object> body = Api.job("vanilla");
        body.put("migratable", false);
        String id = Api.submit(body).statusCode(201).extract().path("id");
        plan();
        agent.reportOk(agent.expect("RUN"), "STARTED");
        workers.put("spare", WorkerStatus.ONLINE, 1.0, 1);

        agent.owner("ACTIVE", Instant.now().minusSeconds(601), held(id)).statusCode(204); // held 10 min
        Decisions decisions = plan();

        assertThat(decisions.evictions()).singleElement().satisfies(e -> assertThat(e.checkpoint()).isFalse());
        agent.expect("KILL");
        getJob(id).body("state", equalTo("QUEUED")).body("retries", equalTo(0)).body("checkpointBlobId", nullValue());
        plan();
        getJob(id).body("workerId", equalTo("spare")).body("epoch", equalTo(2));
        asUser().get("/api/v1/jobs/{id}/events", id).then().body("events.type",
                equalTo(List.of("SUBMITTED", "PLACED", "STARTED", "SUSPENDED", "EVICTED", "PLACED")));
    }

    @Test
    void theReportWinsOverTheRegistrysHeartbeatAndAnOlderReportChangesNothing() {
        Running desk = runningOn("desk");

        desk.agent().owner("ACTIVE", t0, held(desk.jobId())).statusCode(204);
        desk.agent().owner("IDLE", t0.minusSeconds(1), List.of()).statusCode(204);

        getJob(desk.jobId()).body("suspendedSince", equalTo(t0.toString()));
        workers.put("spare", WorkerStatus.ONLINE, 1.0, 1);
        assertThat(plan().migrations()).as("the owner is still back: the registry's idle heartbeat is older news")
                .extracting(Decisions.Migration::to).containsExactly("spare");
    }

    @Test
    void anAgentHoldsOnlyItsOwnRunningJobs() {
        Running desk = runningOn("desk");
        ScriptedAgent other = new ScriptedAgent("other");
        workers.put("other", WorkerStatus.ONLINE, 1.0, 1);

        other.owner("ACTIVE", t0, held(desk.jobId())).statusCode(204);
        desk.agent().owner("IDLE", t0, List.of(Map.of("jobId", desk.jobId(), "epoch", 7))).statusCode(204);

        getJob(desk.jobId()).body("suspendedSince", nullValue());
        asUser().get("/api/v1/jobs/{id}/events", desk.jobId()).then()
                .body("events.type", equalTo(List.of("SUBMITTED", "PLACED", "STARTED")));
    }

    @Test
    void onlyTheWorkerItselfReportsAndMalformedReportsAreRefused() {
        Running desk = runningOn("desk");
        Map<String, Object> valid = Map.of("ownerState", "ACTIVE", "changedAt", t0.toString());

        given().auth().oauth2(Api.token("intruder", "worker")).contentType(ContentType.JSON).body(valid)
                .put("/api/v1/agents/desk/owner").then().statusCode(403).body("error", equalTo("forbidden"));
        given().contentType(ContentType.JSON).body(valid).put("/api/v1/agents/desk/owner").then().statusCode(401);
        for (Object body : List.of(Map.of("changedAt", t0.toString()), Map.of("ownerState", "AWAY",
                        "changedAt", t0.toString()), Map.of("ownerState", "ACTIVE", "changedAt", "yesterday"),
                Map.of("ownerState", "ACTIVE", "changedAt", t0.toString(), "suspended",
                        List.of(Map.of("jobId", "../etc", "epoch", 1, "since", t0.toString()))), "[]", "{")) {
            given().auth().oauth2(desk.agent().token()).contentType(ContentType.JSON).body(body)
                    .put("/api/v1/agents/desk/owner").then().statusCode(400).body("error", notNullValue());
        }
        getJob(desk.jobId()).body("suspendedSince", nullValue());
    }
}
