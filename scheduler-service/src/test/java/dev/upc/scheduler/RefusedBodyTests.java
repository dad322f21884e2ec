package dev.upc.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.scheduler.testing.Api;
import dev.upc.scheduler.testing.SchedulerTest;
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
 * A client announces a body of almost 1 MiB (what the scheduler takes) and sends none of it: whatever is wrong with
 * its call — no token, a token that is no JWT, a token of the wrong kind, a media type or a method the endpoint does
 * not take — it is answered at once, before the body is read (a service that waited for the body would time out
 * here), and the service stays ready.
 */
@QuarkusTest
class RefusedBodyTests extends SchedulerTest {

    @TestHTTPResource("/")
    URL root;

    @ParameterizedTest
    @ValueSource(strings = {"no token", "not a JWT", "a worker's token", "a user's, as text/plain", "a user's, a PUT"})
    void aRefusedCallsBodyIsNotRead(String call) throws IOException {
        String authorization = switch (call) {
            case "no token" -> "";
            case "not a JWT" -> "Authorization: Bearer not-a-jwt\r\n";
            case "a worker's token" -> "Authorization: Bearer " + Api.token("wa", "worker") + "\r\n";
            default -> "Authorization: Bearer " + Api.token("alice", "user") + "\r\n";
        };
        String method = call.endsWith("a PUT") ? "PUT" : "POST";
        String type = call.endsWith("text/plain") ? "text/plain" : "application/json";
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " /api/v1/jobs HTTP/1.1\r\nHost: " + root.getHost() + "\r\n" + authorization
                    + "Content-Type: " + type + "\r\nContent-Length: 1000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = new byte[12];
            int read = in.readNBytes(head, 0, head.length);

            assertThat(new String(head, 0, read, StandardCharsets.US_ASCII)).as(call)
                    .isIn("HTTP/1.1 401", "HTTP/1.1 403", "HTTP/1.1 405", "HTTP/1.1 415");
        }
        RestAssured.given().get("/q/health/ready").then().statusCode(200);
    }
}
