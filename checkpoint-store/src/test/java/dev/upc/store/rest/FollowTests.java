package dev.upc.store.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import dev.upc.protocol.BlobHeaders;
import dev.upc.servicetesting.SigningKeysResource;
import dev.upc.store.testing.TokenMint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET ?follow=true}: a reader follows a put in progress over real HTTP, the way a migration's target fetches
 * a checkpoint while its source still uploads it. The put is sent by hand over a socket, so the test decides when
 * each part of the body arrives, and when the upload dies.
 */
@QuarkusTest
@WithTestResource(SigningKeysResource.class)
class FollowTests {

    private static final String BLOBS = "/api/v1/blobs/checkpoints/";
    /** More than the store's direct-I/O buffer (2 MiB), so that part of it is readable before the put ends. */
    private static final int FIRST_PART = 5 << 20;

    @TestHTTPResource("/")
    URL root;

    private final String admin = TokenMint.ofTestApplication().admin();

    /** Announced as followed, the put goes through the page cache; otherwise with direct I/O where possible. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aFollowerGetsTheBytesWhileTheyArriveAndEndsWithTheCommit(boolean announced) throws Exception {
        String id = "follow-" + UUID.randomUUID();
        byte[] content = random(FIRST_PART + 3_000_000);
        try (ChunkedPut put = new ChunkedPut(id, announced)) {
            put.send(content, 0, FIRST_PART);
            Follower follower = Follower.start(url(id, true), admin);
            assertThat(follower.awaitBytes(1, Duration.ofSeconds(20)))
                    .as("bytes reach the follower before the put ends").isTrue();
            assertThat(follower.connection.getHeaderField("ETag")).isNull();
            assertThat(follower.done).isNotDone();

            put.send(content, FIRST_PART, content.length - FIRST_PART);
            assertThat(put.finish()).contains("\"sha256\":\"" + sha256(content) + "\"");
            assertThat(follower.done.get(20, TimeUnit.SECONDS)).isEqualTo(content);
        }
        // Once committed, a follow is an ordinary GET.
        RestAssured.given().auth().oauth2(admin).get(BLOBS + id + "?follow=true").then().statusCode(200)
                .header("ETag", "\"" + sha256(content) + "\"");
    }

    @Test
    void aFailedUploadCutsItsFollowersOffInsteadOfEndingTheirBody() throws Exception {
        String id = "follow-dies-" + UUID.randomUUID();
        byte[] content = random(FIRST_PART);
        Follower follower;
        try (ChunkedPut put = new ChunkedPut(id, true)) {
            put.send(content, 0, FIRST_PART);
            follower = Follower.start(url(id, true), admin);
            assertThat(follower.awaitBytes(1, Duration.ofSeconds(20))).isTrue();
        } // the uploader goes away mid-body
        assertThatThrownBy(() -> follower.done.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
        RestAssured.given().auth().oauth2(admin).get(BLOBS + id).then().statusCode(404);
    }

    @Test
    void withoutAnUploadAFollowIsAnOrdinaryGetAndBadUseIs400() {
        String id = "follow-none-" + UUID.randomUUID();
        RestAssured.given().auth().oauth2(admin).get(BLOBS + id + "?follow=true").then().statusCode(404)
                .body("error", equalTo("no_such_blob"));
        RestAssured.given().auth().oauth2(admin).get(BLOBS + id + "?follow=yes").then().statusCode(400)
                .body("status", equalTo(400));
        RestAssured.given().auth().oauth2(admin).header("Range", "bytes=0-3").get(BLOBS + id + "?follow=true")
                .then().statusCode(400).body("status", equalTo(400));
    }

    @Test
    void aFollowNeedsTheBlobsReadCapability() {
        String id = "follow-auth-" + UUID.randomUUID();
        String other = TokenMint.ofTestApplication().capability("checkpoints/other", "read");
        RestAssured.given().auth().oauth2(other).get(BLOBS + id + "?follow=true").then().statusCode(403);
        RestAssured.given().get(BLOBS + id + "?follow=true").then().statusCode(401);
    }

    private URI url(String id, boolean follow) {
        return URI.create(root.toString()).resolve(BLOBS + id + (follow ? "?follow=true" : ""));
    }

    /** A PUT with a chunked body written part by part over a plain socket. */
    private final class ChunkedPut implements AutoCloseable {

        private final Socket socket;
        private final OutputStream out;

        ChunkedPut(String id, boolean announced) throws IOException {
            socket = new Socket(root.getHost(), root.getPort());
            out = socket.getOutputStream();
            out.write(("PUT " + BLOBS + id + " HTTP/1.1\r\nHost: " + root.getHost() + "\r\nAuthorization: Bearer "
                    + admin + "\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n"
                    + (announced ? BlobHeaders.FOLLOWED + ": true\r\n" : "") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }

        void send(byte[] bytes, int offset, int length) throws IOException {
            out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, offset, length);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** Ends the body and returns the store's answer. */
        String finish() throws IOException {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while (!answer.toString(StandardCharsets.UTF_8).contains("}") && (n = in.read(buffer)) > 0) {
                answer.write(buffer, 0, n);
            }
            return answer.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** A follow read on its own thread, counting what arrived. */
    private static final class Follower {

        final HttpURLConnection connection;
        final AtomicLong received = new AtomicLong();
        final CompletableFuture<byte[]> done = new CompletableFuture<>();

        private Follower(HttpURLConnection connection) {
            this.connection = connection;
        }

        static Follower start(URI uri, String token) throws IOException {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setRequestProperty("Authorization", "Bearer " + token);
            connection.setReadTimeout(30_000);
            assertThat(connection.getResponseCode()).isEqualTo(200);
            Follower follower = new Follower(connection);
            Thread reader = new Thread(() -> {
                try (InputStream in = connection.getInputStream()) {
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    byte[] buffer = new byte[65536];
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        all.write(buffer, 0, n);
                        follower.received.addAndGet(n);
                    }
                    follower.done.complete(all.toByteArray());
                } catch (IOException | RuntimeException e) {
                    follower.done.completeExceptionally(e);
                }
            }, "follower");
            reader.setDaemon(true);
            reader.start();
            return follower;
        }

        boolean awaitBytes(long atLeast, Duration max) throws InterruptedException {
            long deadline = System.nanoTime() + max.toNanos();
            while (received.get() < atLeast && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return received.get() >= atLeast;
        }
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
