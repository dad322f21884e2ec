package dev.upc.registry;

import static dev.upc.registry.testing.RegistryClient.asAdmin;
import static dev.upc.registry.testing.RegistryClient.registration;
import static dev.upc.registry.testing.RegistryClient.uniqueMachineId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.upc.protocol.Paging;
import dev.upc.registry.testing.RegistryClient;
import dev.upc.servicetesting.PostgresResource;
import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GET /api/v1/workers a page at a time (dev.upc.protocol.Paging), by hostname then id. */
@QuarkusTest
@WithTestResource(PostgresResource.class)
@WithTestResource(SigningKeysResource.class)
class WorkerPagingTests {

    /** A label only this test's workers carry, so other tests' workers stay out of its pages. */
    private final String batch = "batch=" + UUID.randomUUID();

    private record Listed(String hostname, String workerId) {
    }

    private String register(String hostname) {
        Map<String, Object> body = registration(uniqueMachineId());
        body.put("hostname", hostname);
        body.put("labels", Map.of("batch", batch.substring("batch=".length())));
        return RegistryClient.registerNew(body).workerId();
    }

    private JsonPath page(int limit, String cursor) {
        var request = asAdmin().queryParam("label", batch).queryParam("limit", limit);
        if (cursor != null) {
            request.queryParam("cursor", cursor);
        }
        return request.get("/api/v1/workers").then().statusCode(200).extract().jsonPath();
    }

    private static List<Listed> workers(JsonPath page) {
        List<Listed> listed = new ArrayList<>();
        for (int i = 0; i < page.getList("workers").size(); i++) {
            listed.add(new Listed(page.getString("workers[" + i + "].registration.hostname"),
                    page.getString("workers[" + i + "].workerId")));
        }
        return listed;
    }

    @Test
    void pagesWalkAllWorkersByHostnameThenIdOnceEach() {
        List<Listed> registered = new ArrayList<>();
        for (String hostname : List.of("pc-c", "pc-a", "pc-b", "pc-a", "pc-e", "pc-d", "pc-a")) {
            registered.add(new Listed(hostname, register(hostname)));
        }
        registered.sort(Comparator.comparing(Listed::hostname).thenComparing(Listed::workerId));

        List<Listed> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonPath page = page(3, cursor);
            walked.addAll(workers(page));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);

        assertThat(walked).isEqualTo(registered);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void aCursorIsAPositionSoWorkersAddedMeanwhileDoNotShiftThePages() {
        register("pc-b");
        register("pc-d");
        register("pc-f");
        JsonPath first = page(2, null);
        assertThat(workers(first)).extracting(Listed::hostname).containsExactly("pc-b", "pc-d");

        register("pc-a"); // before the cursor: not on a later page
        register("pc-e"); // after it: on the next page, in its place
        JsonPath second = page(2, first.getString("nextCursor"));

        assertThat(workers(second)).extracting(Listed::hostname).containsExactly("pc-e", "pc-f");
        assertThat(second.getString("nextCursor")).isNull();
    }

    @Test
    void theLastPageHasNoNextCursorAndFiltersStillApply() {
        register("pc-only");
        asAdmin().queryParam("label", batch).get("/api/v1/workers").then().statusCode(200)
                .body("workers", hasSize(1)).body("nextCursor", nullValue());
        asAdmin().queryParam("label", batch).queryParam("status", "LOST").get("/api/v1/workers").then().statusCode(200)
                .body("workers", hasSize(0));
        asAdmin().queryParam("label", batch).queryParam("status", "ONLINE").queryParam("limit", 1)
                .get("/api/v1/workers").then().statusCode(200).body("workers", hasSize(1));
    }

    @Test
    void aBadCursorIsRefused() {
        register("pc-x");
        register("pc-y");
        String cursor = page(1, null).getString("nextCursor");
        assertThat(cursor).isNotNull();
        String tampered = (cursor.charAt(0) == 'A' ? 'B' : 'A') + cursor.substring(1, cursor.length() - 2);

        for (String bad : List.of("not a cursor", tampered, "W10", "x".repeat(Paging.MAX_CURSOR_LENGTH + 1))) {
            asAdmin().queryParam("cursor", bad).get("/api/v1/workers").then().statusCode(400)
                    .body("status", equalTo(400)).body("error", equalTo("invalid_cursor"))
                    .body("message", notNullValue());
        }
    }

    @Test
    void theLimitIsAtMostTheMaximum() {
        asAdmin().queryParam("limit", Paging.MAX_LIMIT).get("/api/v1/workers").then().statusCode(200);
        asAdmin().queryParam("limit", Paging.MAX_LIMIT + 1).get("/api/v1/workers").then().statusCode(400)
                .body("error", equalTo("invalid_request")).body("details[0].field", equalTo("limit"));
    }
}
