package dev.upc.store.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.Tokens.Kind;
import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.store.testing.TokenMint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Each kind has a largest blob ({@code upc.store.max-blob-size}; inputs 1 KiB in the test profile): a declared length
 * beyond it is refused at once with its body unread and the connection closed, a chunked body as soon as it passes
 * it, and nothing is stored either way.
 */
@QuarkusTest
@WithTestResource(SigningKeysResource.class)
class BlobSizeTests {

    @TestHTTPResource("/")
    URL root;

    private final TokenMint mint = TokenMint.ofTestApplication();

    @Test
    void aDeclaredLengthBeyondTheKindsLimitIsRefusedUnread() throws IOException {
        String path = "/api/v1/blobs/inputs/" + id();

        assertThat(putDeclaring(path, mint.admin(), 2000)).startsWith("HTTP/1.1 413")
                .contains("\"error\":\"blob_too_large\"").contains("upc.store.max-blob-size.inputs");
        given().auth().oauth2(mint.admin()).get(path).then().statusCode(404);
    }

    /** Sends a PUT's head declaring {@code length} and no body; the answer once the store closed the connection. */
    private String putDeclaring(String path, String token, long length) throws IOException {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(10_000); // a store that waited for the body would time out here
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + path + " HTTP/1.1\r\nHost: " + root.getHost() + "\r\nAuthorization: Bearer "
                    + token + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // closed
        }
    }

    @Test
    void aChunkedBodyIsRefusedOnceItPassesTheLimitAndOneWithinItIsStored() {
        String tooLarge = "/api/v1/blobs/inputs/" + id();
        given().auth().oauth2(mint.admin()).contentType("application/octet-stream")
                .body(chunked(new byte[512 << 10])).put(tooLarge).then().statusCode(413)
                .body("error", equalTo("blob_too_large"));
        given().auth().oauth2(mint.admin()).get(tooLarge).then().statusCode(404);

        String fits = "/api/v1/blobs/inputs/" + id();
        given().auth().oauth2(mint.admin()).contentType("application/octet-stream").body(new byte[1024]).put(fits)
                .then().statusCode(201);
    }

    /**
     * A capability that bounds its blob (the scheduler bounds a checkpoint by what its job can hold) is held to that
     * bound below the kind's, declared or chunked, and names it; within it the upload is stored.
     */
    @Test
    void aCapabilitysBoundIsKeptBelowTheKinds() throws IOException {
        String blob = "checkpoints/" + "job" + UUID.randomUUID().toString().substring(0, 8) + "-1-1";
        String path = "/api/v1/blobs/" + blob;
        String bounded = mint.sign(mint.tokens().claims(Kind.CAPABILITY, "worker-1", Instant.now(),
                Duration.ofMinutes(5)).claim(BlobCapability.BLOB_CLAIM, blob)
                .claim(BlobCapability.OPERATION_CLAIM, List.of(BlobCapability.READ, BlobCapability.WRITE))
                .claim(BlobCapability.MAX_BYTES_CLAIM, 3000L));

        assertThat(putDeclaring(path, bounded, 3001)).startsWith("HTTP/1.1 413")
                .contains("\"error\":\"blob_too_large\"")
                .contains("hold at most 3000 bytes: the most its job can make");
        given().auth().oauth2(bounded).contentType("application/octet-stream").body(chunked(new byte[512 << 10]))
                .put(path).then().statusCode(413).body("error", equalTo("blob_too_large"));
        given().auth().oauth2(bounded).head(path).then().statusCode(404);
        given().auth().oauth2(bounded).contentType("application/octet-stream").body(chunked(new byte[3000]))
                .put(path).then().statusCode(201);
    }

    /** A stream, which the client sends chunked: no length is declared. */
    private static InputStream chunked(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    private static String id() {
        return "alice-" + UUID.randomUUID();
    }
}
