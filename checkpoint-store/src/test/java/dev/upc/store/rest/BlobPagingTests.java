package dev.upc.store.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.upc.protocol.Paging;
import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.store.testing.TokenMint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /api/v1/blobs/{kind} a page at a time (dev.upc.protocol.Paging), by id. */
@QuarkusTest
@WithTestResource(SigningKeysResource.class)
class BlobPagingTests {

    private String admin;
    /** Only this test's blobs start with it, so other tests' blobs stay out of its pages. */
    private String prefix;

    @BeforeEach
    void setUp() {
        admin = TokenMint.ofTestApplication().admin();
        prefix = "p" + UUID.randomUUID().toString().replace("-", "") + "-";
    }

    private RequestSpecification asAdmin() {
        return RestAssured.given().auth().oauth2(admin);
    }

    private void put(String suffix) {
        asAdmin().body(suffix).put("/api/v1/blobs/outputs/{id}", prefix + suffix).then().statusCode(201);
    }

    private JsonPath page(int limit, String cursor) {
        var request = asAdmin().queryParam("prefix", prefix).queryParam("limit", limit);
        if (cursor != null) {
            request.queryParam("cursor", cursor);
        }
        return request.get("/api/v1/blobs/outputs").then().statusCode(200).extract().jsonPath();
    }

    private List<String> suffixes(JsonPath page) {
        return page.getList("blobs.id", String.class).stream().map(id -> id.substring(prefix.length())).toList();
    }

    @Test
    void pagesWalkAllBlobsByIdOnceEach() {
        for (String suffix : List.of("e", "b", "g", "a", "c", "f", "d")) {
            put(suffix);
        }

        List<String> walked = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonPath page = page(3, cursor);
            walked.addAll(suffixes(page));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);

        assertThat(walked).containsExactly("a", "b", "c", "d", "e", "f", "g");
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void aCursorIsAPositionSoBlobsAddedMeanwhileDoNotShiftThePages() {
        put("b");
        put("d");
        put("f");
        JsonPath first = page(2, null);
        assertThat(suffixes(first)).containsExactly("b", "d");

        put("a"); // before the cursor: not on a later page
        put("e"); // after it: on the next page, in its place
        JsonPath second = page(2, first.getString("nextCursor"));

        assertThat(suffixes(second)).containsExactly("e", "f");
        assertThat(second.getString("nextCursor")).isNull();
    }

    @Test
    void withoutLimitAPageHoldsTheDefaultNumberAndTheLastHasNoCursor() {
        put("only");
        asAdmin().queryParam("prefix", prefix).get("/api/v1/blobs/outputs").then().statusCode(200)
                .body("blobs.size()", equalTo(1)).body("nextCursor", nullValue()).body("prefix", equalTo(prefix));
    }

    @Test
    void aBadCursorIsRefused() {
        put("x");
        put("y");
        String cursor = page(1, null).getString("nextCursor");
        assertThat(cursor).isNotNull();
        String tampered = (cursor.charAt(0) == 'A' ? 'B' : 'A') + cursor.substring(1, cursor.length() - 2);

        // "WyIuLiJd" is ["..."] well-formed, but no blob id
        for (String bad : List.of("not a cursor", tampered, "WyIuLiJd", "x".repeat(Paging.MAX_CURSOR_LENGTH + 1))) {
            asAdmin().queryParam("cursor", bad).get("/api/v1/blobs/outputs").then().statusCode(400)
                    .body("status", equalTo(400)).body("error", equalTo("invalid_cursor"));
        }
    }

    @Test
    void theLimitIsFromOneToTheMaximum() {
        asAdmin().queryParam("limit", Paging.MAX_LIMIT).get("/api/v1/blobs/outputs").then().statusCode(200);
        for (String bad : List.of(String.valueOf(Paging.MAX_LIMIT + 1), "0", "-1", "many")) {
            asAdmin().queryParam("limit", bad).get("/api/v1/blobs/outputs").then().statusCode(400)
                    .body("error", equalTo("invalid_request"));
        }
    }
}
