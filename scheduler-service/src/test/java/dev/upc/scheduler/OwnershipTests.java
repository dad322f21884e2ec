package dev.upc.scheduler;

import static dev.upc.scheduler.testing.Api.asAdmin;
import static dev.upc.scheduler.testing.Api.asUser;
import static dev.upc.scheduler.testing.Api.job;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.testing.Api;
import dev.upc.scheduler.testing.SchedulerTest;
import dev.upc.scheduler.testing.ScriptedAgent;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A user sees and acts on its own jobs only; admins on all; nobody learns of others' jobs. */
@QuarkusTest
class OwnershipTests extends SchedulerTest {

    private static String submitAs(String user, String name) {
        return asUser(user).contentType(ContentType.JSON).body(job(name)).post("/api/v1/jobs").then().statusCode(201)
                .body("owner", equalTo(user)).extract().path("id");
    }

    @Test
    void aUserCannotSeeOrTouchAnotherUsersJob() {
        String alices = submitAs("alice", "mine");
        String bobs = submitAs("bob", "his");

        asUser("alice").get("/api/v1/jobs").then().statusCode(200).body("jobs.id", equalTo(List.of(alices)));
        asUser("bob").get("/api/v1/jobs").then().statusCode(200).body("jobs.id", equalTo(List.of(bobs)));
        for (var call : List.<java.util.function.Function<String, io.restassured.response.Response>>of(
                id -> asUser("bob").get("/api/v1/jobs/{id}", id),
                id -> asUser("bob").get("/api/v1/jobs/{id}/events", id),
                id -> asUser("bob").delete("/api/v1/jobs/{id}", id),
                id -> asUser("bob").contentType(ContentType.JSON).body("{}").post("/api/v1/jobs/{id}/migrate", id))) {
            // Not found, exactly as for a job that does not exist: bob does not learn that alice's exists.
            call.apply(alices).then().statusCode(404).body("error", equalTo("job_not_found"));
        }
        asUser("alice").get("/api/v1/jobs/{id}", alices).then().statusCode(200).body("state", equalTo("QUEUED"));

        asUser("bob").queryParam("owner", "*").get("/api/v1/jobs").then().statusCode(403)
                .body("error", equalTo("forbidden"));
        asUser("bob").queryParam("owner", "alice").get("/api/v1/jobs").then().statusCode(403);
        asUser("bob").queryParam("owner", "bob").get("/api/v1/jobs").then().statusCode(200).body("jobs", hasSize(1));
        asAdmin().queryParam("owner", "*").get("/api/v1/jobs").then().statusCode(200).body("jobs", hasSize(2));
        asAdmin().queryParam("owner", "alice").get("/api/v1/jobs").then().body("jobs.id", equalTo(List.of(alices)));
        asAdmin().get("/api/v1/jobs").then().body("jobs", hasSize(0)); // an admin's own: none
        asAdmin().delete("/api/v1/jobs/{id}", bobs).then().statusCode(200).body("state", equalTo("CANCELLED"));
    }

    @Test
    void aJobRunningForOneUserShowsItsPcButNotToOthers() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 1);
        String id = submitAs("alice", "runs");
        plan();
        new ScriptedAgent("wa").expect("RUN");
        asUser("alice").get("/api/v1/jobs/{id}", id).then().body("workerId", equalTo("wa"))
                .body("workerName", equalTo("pc-wa")).body("waitingReason", nullValue());
        asUser("bob").get("/api/v1/jobs/{id}", id).then().statusCode(404);
    }

    @Test
    void aQueuedJobSaysWhyItWaits() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 1);
        workers.put("wb", WorkerStatus.LOST, 1.0, 4); // some PC could run it: it is queued
        var big = job("big");
        big.put("cpus", 4);
        String id = asUser("alice").contentType(ContentType.JSON).body(big).post("/api/v1/jobs").then()
                .statusCode(201).extract().path("id");
        plan();
        asUser("alice").get("/api/v1/jobs/{id}", id).then().body("state", equalTo("QUEUED"))
                .body("waitingReason", equalTo("no online PC lends 4 cores (the most is 1)"));
    }

    @Test
    void aJobNoPcCouldRunIsRefusedAtSubmission() {
        workers.put("wa", WorkerStatus.ONLINE, 1.0, 1);
        workers.put("wb", WorkerStatus.LOST, 1.0, 2);
        var big = job("huge");
        big.put("cpus", 4);
        asUser("alice").contentType(ContentType.JSON).body(big).post("/api/v1/jobs").then().statusCode(400)
                .body("error", equalTo("no_pc_fits"))
                .body("message", containsString("lends 4 cores and"))
                .body("message", containsString("the largest lends 2 cores"));
        asUser("alice").get("/api/v1/jobs").then().body("jobs", hasSize(0));
    }

    @Test
    void jobsComePageByPageNewestFirst() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(submitAs("alice", "p" + i));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = asUser("alice").queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var page = request.get("/api/v1/jobs").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("jobs.id"));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        java.util.Collections.reverse(ids);
        assertThat(seen).containsExactlyElementsOf(ids);
        asUser("alice").queryParam("cursor", "not-a-cursor!").get("/api/v1/jobs").then().statusCode(400)
                .body("error", equalTo("invalid_cursor"));
        asUser("alice").queryParam("limit", 1001).get("/api/v1/jobs").then().statusCode(400);
        asUser("alice").queryParam("limit", 1).get("/api/v1/jobs/{id}/events", ids.get(0)).then().statusCode(200)
                .body("events", hasSize(1)).body("nextCursor", nullValue());
    }

    @Test
    void whoAmITellsTheTokensSubjectAndKind() {
        asUser("alice").get("/api/v1/whoami").then().statusCode(200).body("name", equalTo("alice"))
                .body("kind", equalTo("user")).body("groups", equalTo(List.of("user")));
        asAdmin().get("/api/v1/whoami").then().statusCode(200).body("kind", equalTo("admin"));
        given().auth().oauth2(Api.token("wa", "worker")).get("/api/v1/whoami").then().statusCode(200)
                .body("kind", equalTo("worker")).body("name", equalTo("wa"));
        given().get("/api/v1/whoami").then().statusCode(401);
        asUser("alice").get("/api/v1/cluster").then().statusCode(200).body("$", org.hamcrest.Matchers.hasKey("storeUrl"));
    }

    @Test
    void adminsManageUsersAndARevokedTokenStopsWorkingAtOnce() {
        String first = asAdmin().contentType(ContentType.JSON).body(Map.of("name", "carol", "ttlSeconds", 3600))
                .post("/api/v1/users").then().statusCode(201).body("user.name", equalTo("carol"))
                .body("user.createdBy", equalTo("root")).extract().path("token");
        given().auth().oauth2(first).get("/api/v1/whoami").then().statusCode(200).body("name", equalTo("carol"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("name", "carol")).post("/api/v1/users").then()
                .statusCode(409).body("error", equalTo("user_exists"));
        String second = asAdmin().contentType(ContentType.JSON).body("{}").post("/api/v1/users/carol/tokens").then()
                .statusCode(201).extract().path("token");

        asAdmin().delete("/api/v1/users/carol").then().statusCode(200).body("revokedAt", org.hamcrest.Matchers.notNullValue());

        for (String token : List.of(first, second)) {
            given().auth().oauth2(token).get("/api/v1/jobs").then().statusCode(401)
                    .body("error", equalTo("invalid_token")).body("message", containsString("revoked"));
        }
        String again = asAdmin().contentType(ContentType.JSON).body(Map.of("name", "carol")).post("/api/v1/users")
                .then().statusCode(201).extract().path("token");
        given().auth().oauth2(again).get("/api/v1/jobs").then().statusCode(200);
        given().auth().oauth2(first).get("/api/v1/jobs").then().statusCode(401);
    }

    @Test
    void usersAreForAdminsAndNamesAndLifetimesAreChecked() {
        asUser("alice").get("/api/v1/users").then().statusCode(403);
        asUser("alice").contentType(ContentType.JSON).body(Map.of("name", "eve")).post("/api/v1/users").then()
                .statusCode(403);
        asAdmin().contentType(ContentType.JSON).body(Map.of("name", "admin")).post("/api/v1/users").then()
                .statusCode(400).body("message", containsString("reserved"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("name", "Bad Name")).post("/api/v1/users").then()
                .statusCode(400);
        asAdmin().contentType(ContentType.JSON).body(Map.of("name", "dave", "ttlSeconds", 91L * 24 * 3600))
                .post("/api/v1/users").then().statusCode(400);
        asAdmin().delete("/api/v1/users/nobody").then().statusCode(404).body("error", equalTo("user_not_found"));
        for (String name : List.of("u1", "u2", "u3")) {
            asAdmin().contentType(ContentType.JSON).body(Map.of("name", name)).post("/api/v1/users").then()
                    .statusCode(201);
        }
        String next = asAdmin().queryParam("limit", 2).get("/api/v1/users").then().statusCode(200)
                .body("users.name", equalTo(List.of("alice", "u1"))).extract().path("nextCursor"); // alice: above
        asAdmin().queryParam("limit", 2).queryParam("cursor", next).get("/api/v1/users").then()
                .body("users.name", equalTo(List.of("u2", "u3"))).body("nextCursor", nullValue());
    }
}
