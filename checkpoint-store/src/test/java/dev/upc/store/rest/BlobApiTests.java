package dev.upc.store.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.oneOf;

import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.store.config.StoreConfig;
import dev.upc.store.testing.TokenMint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The blob API over real HTTP against the real file store in target/store-test, with an admin token. */
@QuarkusTest
@WithTestResource(SigningKeysResource.class)
class BlobApiTests {

    private static String adminToken;

    private static final String BLOBS = "/api/v1/blobs";
    private static final byte[] HELLO = "hello, checkpoint".getBytes(StandardCharsets.UTF_8);

    @Inject
    StoreConfig config;

    @Test
    void putThenGetHeadAndList() {
        String id = uniqueId("rt");

        given().body(HELLO).put(BLOBS + "/checkpoints/" + id).then().statusCode(201)
                .body("kind", equalTo("checkpoints")).body("id", equalTo(id))
                .body("size", equalTo(HELLO.length)).body("sha256", equalTo(sha256(HELLO)))
                .body("createdAt", notNullValue());

        Response get = given().get(BLOBS + "/checkpoints/" + id);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.asByteArray()).isEqualTo(HELLO);
        assertThat(get.header("ETag")).isEqualTo("\"" + sha256(HELLO) + "\"");
        assertThat(get.header("Content-Length")).isEqualTo(Integer.toString(HELLO.length));

        Response head = given().head(BLOBS + "/checkpoints/" + id);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.header("ETag")).isEqualTo("\"" + sha256(HELLO) + "\"");
        assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(HELLO.length));
        assertThat(head.asByteArray()).isEmpty();
    }

    @Test
    void identicalReputIsOkAndDifferentContentConflicts() {
        String id = uniqueId("reput");
        given().body(HELLO).put(BLOBS + "/images/" + id).then().statusCode(201);

        given().body(HELLO).put(BLOBS + "/images/" + id).then().statusCode(200).body("sha256", equalTo(sha256(HELLO)));
        given().body("something else").put(BLOBS + "/images/" + id).then().statusCode(409)
                .body("status", equalTo(409)).body("error", equalTo("blob_exists"));
        assertThat(given().get(BLOBS + "/images/" + id).asByteArray()).isEqualTo(HELLO);
    }

    @Test
    void servesSingleRanges() {
        String id = uniqueId("range");
        byte[] digits = "0123456789".getBytes(StandardCharsets.US_ASCII);
        given().body(digits).put(BLOBS + "/outputs/" + id).then().statusCode(201);
        String url = BLOBS + "/outputs/" + id;

        given().header("Range", "bytes=2-4").get(url).then().statusCode(206)
                .header("Content-Range", "bytes 2-4/10").header("Content-Length", "3").body(equalTo("234"));
        given().header("Range", "bytes=7-").get(url).then().statusCode(206)
                .header("Content-Range", "bytes 7-9/10").body(equalTo("789"));
        given().header("Range", "bytes=-2").get(url).then().statusCode(206)
                .header("Content-Range", "bytes 8-9/10").body(equalTo("89"));
        given().header("Range", "bytes=5-100").get(url).then().statusCode(206)
                .header("Content-Range", "bytes 5-9/10").body(equalTo("56789"));

        given().header("Range", "bytes=10-").get(url).then().statusCode(416)
                .header("Content-Range", "bytes */10").body("error", equalTo("range_not_satisfiable"));
        for (String bad : new String[] {"bytes=a-b", "bytes=1-2,4-5", "lines=1-2", "bytes=5-2", "bytes=-"}) {
            given().header("Range", bad).get(url).then().statusCode(400).body("error", equalTo("invalid_range"));
        }
    }

    /** The store's ids are taken from the raw path and must match a pattern: unclean text is a bad id or cursor. */
    @ParameterizedTest
    @ValueSource(strings = {"/checkpoints/a%00b", "/images/%C3%28", "/outputs/%ED%A0%80", "/checkpoints?cursor=%00"})
    void aBlobPathOrQueryThatIsNotCleanTextIsRefused(String path) {
        List<Response> answers = new ArrayList<>(List.of(given().urlEncodingEnabled(false).get(BLOBS + path)));
        if (!path.contains("?")) {
            answers.add(given().urlEncodingEnabled(false).body(HELLO).put(BLOBS + path));
            answers.add(given().urlEncodingEnabled(false).delete(BLOBS + path));
        }
        for (Response answer : answers) {
            answer.then().statusCode(400).body("status", equalTo(400))
                    .body("error", oneOf("invalid_blob_id", "invalid_cursor"));
        }
    }

    @Test
    void deleteIsIdempotent() {
        String id = uniqueId("del");
        given().body(HELLO).put(BLOBS + "/checkpoints/" + id).then().statusCode(201);

        given().delete(BLOBS + "/checkpoints/" + id).then().statusCode(204);
        given().delete(BLOBS + "/checkpoints/" + id).then().statusCode(204);
        given().get(BLOBS + "/checkpoints/" + id).then().statusCode(404).body("error", equalTo("no_such_blob"));
        given().head(BLOBS + "/checkpoints/" + id).then().statusCode(404);
    }

    @Test
    void listsByPrefix() {
        String job = uniqueId("job");
        given().body("a").put(BLOBS + "/checkpoints/" + job + "-1").then().statusCode(201);
        given().body("bb").put(BLOBS + "/checkpoints/" + job + "-2").then().statusCode(201);
        given().body("c").put(BLOBS + "/checkpoints/other-" + job).then().statusCode(201);

        given().queryParam("prefix", job + "-").get(BLOBS + "/checkpoints").then().statusCode(200)
                .body("kind", equalTo("checkpoints")).body("prefix", equalTo(job + "-"))
                .body("blobs.id", contains(job + "-1", job + "-2"))
                .body("blobs.size", contains(1, 2))
                .body("blobs[1].sha256", equalTo(sha256("bb".getBytes(StandardCharsets.UTF_8))))
                .body("blobs[0].createdAt", notNullValue());
        given().queryParam("prefix", "../").get(BLOBS + "/checkpoints").then().statusCode(400)
                .body("error", equalTo("invalid_prefix"));
    }

    static Stream<String> hostileIds() {
        return Stream.of("..", "%2e%2e", "%2E%2E", ".", "a/b", "a%2Fb", "..%2F..%2Fetc%2Fpasswd", ".hidden",
                "-dash", "a..b", "sp%20ace", "%00", "x".repeat(129), "x".repeat(300));
    }

    @ParameterizedTest
    @MethodSource("hostileIds")
    void rejectsHostileIdsWithErrorResponse(String id) {
        String url = BLOBS + "/checkpoints/" + id;
        for (String method : new String[] {"PUT", "GET", "DELETE"}) {
            given().urlEncodingEnabled(false).body(HELLO).request(method, url).then()
                    .statusCode(400).body("status", equalTo(400)).body("error", notNullValue())
                    .body("message", notNullValue());
        }
        assertThat(filesOutsideKindDirectories()).isEmpty();
    }

    @Test
    void rejectsUnknownKindAndUnsupportedMethods() {
        given().body(HELLO).put(BLOBS + "/secrets/x").then().statusCode(400).body("error", equalTo("unknown_blob_kind"));
        given().get(BLOBS + "/secrets").then().statusCode(400).body("error", equalTo("unknown_blob_kind"));
        given().body(HELLO).post(BLOBS + "/checkpoints/x").then().statusCode(405)
                .header("Allow", containsString("PUT")).body("error", equalTo("method_not_allowed"));
    }

    @Test
    void checksExpectedDigest() throws IOException {
        String id = uniqueId("digest");
        String url = BLOBS + "/outputs/" + id;

        given().header("X-Upc-Sha256", "not-a-digest").body(HELLO).put(url).then().statusCode(400)
                .body("error", equalTo("invalid_digest"));
        given().header("X-Upc-Sha256", sha256("other".getBytes(StandardCharsets.UTF_8))).body(HELLO).put(url).then()
                .statusCode(422).body("error", equalTo("digest_mismatch"));
        given().get(url).then().statusCode(404);
        assertThat(tempFiles()).isEmpty();

        given().header("X-Upc-Sha256", sha256(HELLO).toUpperCase()).body(HELLO).put(url).then().statusCode(201);
    }

    @Test
    void neverServesACorruptBlob() throws IOException {
        String id = uniqueId("corrupt");
        String url = BLOBS + "/checkpoints/" + id;
        byte[] secret = "bytes that must arrive intact".getBytes(StandardCharsets.UTF_8);
        given().body(secret).put(url).then().statusCode(201);
        Path file = config.directory().resolve("checkpoints").resolve(id);
        byte[] raw = Files.readAllBytes(file);
        raw[raw.length - 3] = 'X';
        Files.write(file, raw);

        given().get(url).then().statusCode(500).body("error", equalTo("blob_corrupt"))
                .body("message", containsString(sha256(secret))).body(not(containsString("intXct")));
        given().header("Range", "bytes=0-3").get(url).then().statusCode(500).body("error", equalTo("blob_corrupt"));
        given().head(url).then().statusCode(500);
        RestAssured.given().get("/q/metrics").then().statusCode(200)
                .body(containsString("upc_store_corrupt_blobs_total"));
        assertThat(corruptCount()).isGreaterThanOrEqualTo(3.0);
    }

    private static double corruptCount() {
        String metrics = RestAssured.given().get("/q/metrics").asString();
        return metrics.lines().filter(l -> l.startsWith("upc_store_corrupt_blobs_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static RequestSpecification given() {
        if (adminToken == null) {
            adminToken = TokenMint.ofTestApplication().admin();
        }
        return RestAssured.given().auth().oauth2(adminToken);
    }

    private Stream<Path> listAll() throws IOException {
        return Files.walk(config.directory());
    }

    private java.util.List<Path> tempFiles() throws IOException {
        try (Stream<Path> files = listAll()) {
            return files.filter(f -> f.getFileName().toString().startsWith(".upload-")).toList();
        }
    }

    /** Anything a hostile id could have created: files other than blobs in a kind directory. */
    private java.util.List<Path> filesOutsideKindDirectories() {
        Path root = config.directory();
        try (Stream<Path> files = listAll()) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !f.getParent().getParent().equals(root) || f.getFileName().toString().startsWith("."))
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
