package dev.upc.store.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.store.testing.TokenMint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A capability holds one upload of its blob at a time: a second PUT while the first is being read is refused 409
 * {@code upload_in_progress} (else one capability could hold every upload slot), and once the first is over — here its
 * client goes away mid-body — the blob can be uploaded again. Readiness shows the upload being read.
 */
@QuarkusTest
@WithTestResource(SigningKeysResource.class)
class UploadClaimTests {

    @TestHTTPResource("/")
    URL root;

    @Test
    void aCapabilityHoldsOneUploadOfItsBlobAtATime() throws Exception {
        TokenMint mint = TokenMint.ofTestApplication();
        String blob = "checkpoints/job-" + UUID.randomUUID() + "-1-1";
        String write = mint.capability(blob, "write");
        try (Socket first = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = first.getOutputStream();
            out.write(("PUT /api/v1/blobs/" + blob + " HTTP/1.1\r\nHost: " + root.getHost() + "\r\nAuthorization: Bearer "
                    + write + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n0123456789")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300); // the first PUT's head is read and its claim taken before the second arrives

            awaitStatus(write, blob, 409).body("error", equalTo("upload_in_progress"));
            given().get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'uploads' }.data.reading", equalTo(1))
                    .body("checks.find { it.name == 'uploads' }.data.saturated", equalTo(false));
        }
        // The first client left mid-body: its upload ends, and so does its hold on the blob.
        awaitStatus(write, blob, 201);
    }

    /** PUTs "payload" until the answer is {@code status} (the first upload starts, or ends, a moment after its client). */
    private static io.restassured.response.ValidatableResponse awaitStatus(String token, String blob, int status)
            throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            var answer = given().auth().oauth2(token).contentType("application/octet-stream")
                    .body("payload".getBytes(StandardCharsets.UTF_8)).put("/api/v1/blobs/" + blob).then();
            if (answer.extract().statusCode() == status || System.nanoTime() > deadline) {
                return answer.statusCode(status);
            }
            Thread.sleep(100);
        }
    }
}
