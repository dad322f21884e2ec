package dev.upc.store.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.servicetesting.SigningKeysResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client with no token announces a large body and sends none of it: it is answered 401 with an ErrorResponse at
 * once and the connection is closed, so nobody can make a service read bodies for free. (Before, the store and the
 * scheduler read the whole body and only then refused it.)
 */
@QuarkusTest
@WithTestResource(SigningKeysResource.class)
class AnonymousBodyTests {

    @TestHTTPResource("/")
    URL root;

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 1073741824", "Transfer-Encoding: chunked"})
    void aBodyWithoutATokenIsRefusedBeforeItIsRead(String framing) throws IOException {
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(10_000); // a service waiting for the body would time out here
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/v1/blobs/checkpoints/job-1-1-1 HTTP/1.1\r\nHost: " + root.getHost() + "\r\n"
                    + framing + "\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8); // ends: the service closed

            assertThat(answer).startsWith("HTTP/1.1 401").containsIgnoringCase("connection: close")
                    .containsIgnoringCase("www-authenticate: Bearer")
                    .contains("\"error\":\"unauthorized\"").contains("the body was not read");
        }
        RestAssured.given().get("/q/health/ready").then().statusCode(200);
    }
}
