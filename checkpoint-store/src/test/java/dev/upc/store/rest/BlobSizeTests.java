package dev.upc.store.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.Tokens.Kind;
import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.store.testing.TokenMint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Each kind has a largest blob ({@code upc.store.max-blob-size}; inputs 1 KiB in the test profile): a declared length
 * beyond it is refused at once, a chunked body as soon as it passes it, and nothing is stored either way. The rest of
 * a refused body is read and dropped up to 1 MiB, so a client that sends it whole hears the answer; a larger one is
 * left unread and the connection closed.
 */
@QuarkusTest
@WithTestResource(SigningKeysResource.class)
class BlobSizeTests {

    @TestHTTPResource("/")
    URL root;

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final TokenMint mint = TokenMint.ofTestApplication();

    @Test
    void aDeclaredLengthBeyondTheKindsLimitIsRefusedUnread() throws IOException {
        String path = "/api/v1/blobs/inputs/" + id();

        assertThat(putDeclaring(path, mint.admin(), 2 << 20, false)).startsWith("HTTP/1.1 413")
                .contains("\"error\":\"blob_too_large\"").contains("upc.store.max-blob-size.inputs");
        given().auth().oauth2(mint.admin()).get(path).then().statusCode(404);
    }

    /** A client that sends a small body whole before it reads (most do) hears the 413, not a reset. */
    @Test
    void aClientSendingASmallBodyWholeHearsTheRefusal() throws IOException {
        String path = "/api/v1/blobs/inputs/" + id();

        assertThat(putDeclaring(path, mint.admin(), 512 << 10, true)).startsWith("HTTP/1.1 413")
                .contains("\"error\":\"blob_too_large\"");
        given().auth().oauth2(mint.admin()).get(path).then().statusCode(404);
    }

    /**
     * Sends a PUT's head declaring {@code length}, and that many bytes if {@code send}; the answer once the store
     * closed the connection.
     */
    private String putDeclaring(String path, String token, long length, boolean send) throws IOException {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(10_000); // a store that waited for the body would time out here
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + path + " HTTP/1.1\r\nHost: " + root.getHost() + "\r\nAuthorization: Bearer "
                    + token + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (send) {
                out.write(new byte[(int) length]);
            }
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // closed
        }
    }

    /** PUTs {@code bytes} with no declared length (chunked); the status and the answer's body. */
    private HttpResponse<String> putChunked(String path, String token, byte[] bytes) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(root.toURI().resolve(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aChunkedBodyIsRefusedOnceItPassesTheLimitAndOneWithinItIsStored() throws Exception {
        String tooLarge = "/api/v1/blobs/inputs/" + id();
        HttpResponse<String> refused = putChunked(tooLarge, mint.admin(), new byte[512 << 10]);
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).contains("\"error\":\"blob_too_large\"");
        given().auth().oauth2(mint.admin()).get(tooLarge).then().statusCode(404);

        String fits = "/api/v1/blobs/inputs/" + id();
        assertThat(putChunked(fits, mint.admin(), new byte[1024]).statusCode()).isEqualTo(201);
    }

    /**
     * A capability that bounds its blob (the scheduler bounds a checkpoint by what its job can hold) is held to that
     * bound below the kind's, declared or chunked, and names it; within it the upload is stored.
     */
    @Test
    void aCapabilitysBoundIsKeptBelowTheKinds() throws Exception {
        String blob = "checkpoints/" + "job" + UUID.randomUUID().toString().substring(0, 8) + "-1-1";
        String path = "/api/v1/blobs/" + blob;
        String bounded = mint.sign(mint.tokens().claims(Kind.CAPABILITY, "worker-1", Instant.now(),
                Duration.ofMinutes(5)).claim(BlobCapability.BLOB_CLAIM, blob)
                .claim(BlobCapability.OPERATION_CLAIM, List.of(BlobCapability.READ, BlobCapability.WRITE))
                .claim(BlobCapability.MAX_BYTES_CLAIM, 3000L));

        assertThat(putDeclaring(path, bounded, 3001, true)).startsWith("HTTP/1.1 413")
                .contains("\"error\":\"blob_too_large\"")
                .contains("hold at most 3000 bytes: the most its job can make");
        HttpResponse<String> chunked = putChunked(path, bounded, new byte[512 << 10]);
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(chunked.body()).contains("\"error\":\"blob_too_large\"");
        given().auth().oauth2(bounded).head(path).then().statusCode(404);
        assertThat(putChunked(path, bounded, new byte[3000]).statusCode()).isEqualTo(201);
    }

    private static String id() {
        return "alice-" + UUID.randomUUID();
    }
}
