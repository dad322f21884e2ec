package dev.upc.agent.libpod.uds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.agent.libpod.LibpodRequest;
import dev.upc.agent.libpod.LibpodResponse;
import dev.upc.agent.libpod.LibpodTimeoutException;
import dev.upc.agent.libpod.LibpodUnreachableException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transport against a scripted HTTP server on a real unix socket. The 1 GiB bodies run under
 * surefire's 96 MiB heap: they pass only if nothing is buffered whole on either side.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UdsLibpodTransportTest {

    private static final long GIB = 1L << 30;
    private static final String TAR = "application/x-tar";
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private ScriptedLibpodServer server;

    @AfterEach
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // ---- bodies of 1 GiB, streamed both ways -----------------------------------------------------

    @Test
    void requestBodyOfUnknownLengthGoesChunkedAndArrivesWhole() throws Exception {
        server = ScriptedLibpodServer.start(dir, UdsLibpodTransportTest::answerWithDigestOfBody);
        DigestingInput upload = new DigestingInput(new PseudoRandomBytes(1, GIB));

        BodyDigest received = upload(LibpodRequest.Body.stream(TAR, upload, -1));

        assertThat(received).isEqualTo(upload.digest());
        assertThat(received.bytes()).isEqualTo(GIB);
        assertThat(server.requests().get(0).header("transfer-encoding")).isEqualTo("chunked");
    }

    @Test
    void requestBodyOfKnownLengthGoesWithContentLengthAndArrivesWhole() throws Exception {
        server = ScriptedLibpodServer.start(dir, UdsLibpodTransportTest::answerWithDigestOfBody);
        DigestingInput upload = new DigestingInput(new PseudoRandomBytes(2, GIB));

        BodyDigest received = upload(LibpodRequest.Body.stream(TAR, upload, GIB));

        assertThat(received).isEqualTo(upload.digest());
        assertThat(received.bytes()).isEqualTo(GIB);
        assertThat(server.requests().get(0).header("content-length")).isEqualTo(String.valueOf(GIB));
    }

    @Test
    void chunkedResponseBodyStreamsThrough() throws Exception {
        CompletableFuture<BodyDigest> sent = new CompletableFuture<>();
        server = ScriptedLibpodServer.start(dir, (request, body, response) ->
                sent.complete(sendGenerated(response, 3, GIB, Framing.CHUNKED)));

        BodyDigest received = download();

        assertThat(received).isEqualTo(sent.get(10, TimeUnit.SECONDS));
        assertThat(received.bytes()).isEqualTo(GIB);
    }

    @Test
    void contentLengthResponseBodyStreamsThrough() throws Exception {
        CompletableFuture<BodyDigest> sent = new CompletableFuture<>();
        server = ScriptedLibpodServer.start(dir, (request, body, response) ->
                sent.complete(sendGenerated(response, 4, GIB, Framing.CONTENT_LENGTH)));

        BodyDigest received = download();

        assertThat(received).isEqualTo(sent.get(10, TimeUnit.SECONDS));
        assertThat(received.bytes()).isEqualTo(GIB);
    }

    @Test
    void responseBodyEndedByTheConnectionStreamsThrough() throws Exception {
        CompletableFuture<BodyDigest> sent = new CompletableFuture<>();
        server = ScriptedLibpodServer.start(dir, (request, body, response) ->
                sent.complete(sendGenerated(response, 5, 64L << 20, Framing.END_OF_CONNECTION)));

        BodyDigest received = download();

        assertThat(received).isEqualTo(sent.get(10, TimeUnit.SECONDS));
        assertThat(received.bytes()).isEqualTo(64L << 20);
    }

    /** What a direct migration does: a checkpoint export's body is the restore import's upload. */
    @Test
    void responseBodyStreamsStraightIntoAnotherRequest() throws Exception {
        CompletableFuture<BodyDigest> exported = new CompletableFuture<>();
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            switch (request.path()) {
                case "/export" -> exported.complete(sendGenerated(response, 6, GIB, Framing.CHUNKED));
                case "/import" -> answerWithDigestOfBody(request, body, response);
                default -> response.json(404, "{\"message\":\"no such endpoint\"}");
            }
        });
        UdsLibpodTransport transport = server.transport();

        BodyDigest imported;
        try (LibpodResponse export = transport.exchange(get("/export"));
             LibpodResponse answer = transport.exchange(post("/import", LibpodRequest.Body.stream(TAR, export.body(), -1)))) {
            assertThat(answer.status()).isEqualTo(200);
            imported = BodyDigest.fromJson(answer.readBody(1024));
        }

        assertThat(imported).isEqualTo(exported.get(10, TimeUnit.SECONDS));
        assertThat(imported.bytes()).isEqualTo(GIB);
    }

    // ---- time limits -----------------------------------------------------------------------------

    @Test
    void noAnswerWithinTheResponseTimeoutIsATimeoutNamingTheOperation() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> response.stall());
        LibpodRequest request = LibpodRequest.builder("GET", "/v4.0.0/libpod/containers/upc-7/json")
                .responseTimeout(SHORT).idleTimeout(LONG).build();
        long start = System.nanoTime();

        assertThatThrownBy(() -> server.transport().exchange(request))
                .isInstanceOf(LibpodTimeoutException.class)
                .hasMessageContaining("GET /v4.0.0/libpod/containers/upc-7/json")
                .hasMessageContaining("300 ms");

        assertThat(since(start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
    }

    @Test
    void bodyThatStallsHalfWayIsATimeoutWhileReadingIt() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            response.head(200, "Content-Length: 1000");
            response.write(new byte[100]);
            response.stall();
        });
        LibpodRequest request = LibpodRequest.builder("GET", "/stalls").responseTimeout(LONG).idleTimeout(SHORT).build();

        try (LibpodResponse response = server.transport().exchange(request)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> response.body().readAllBytes())
                    .isInstanceOf(LibpodTimeoutException.class)
                    .hasMessageContaining("response body of GET /stalls");
            assertThat(since(start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        }
    }

    @Test
    void slowButSteadyResponseBodyDoesNotTimeOut() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            response.head(200, "Transfer-Encoding: chunked");
            for (int i = 0; i < 12; i++) {
                Thread.sleep(100);
                response.chunk("0123456789".getBytes(StandardCharsets.US_ASCII), 0, 10);
            }
            response.lastChunk();
        });
        LibpodRequest request = LibpodRequest.builder("GET", "/trickles").responseTimeout(SHORT).idleTimeout(SHORT).build();
        long start = System.nanoTime();

        byte[] body;
        try (LibpodResponse response = server.transport().exchange(request)) {
            body = response.body().readAllBytes();
        }

        assertThat(body).hasSize(120);
        assertThat(since(start)).as("four times the idle timeout").isGreaterThan(Duration.ofMillis(1100));
    }

    @Test
    void slowButSteadyUploadDoesNotTimeOut() throws Exception {
        server = ScriptedLibpodServer.start(dir, UdsLibpodTransportTest::answerWithDigestOfBody);
        LibpodRequest request = LibpodRequest.builder("POST", "/trickles")
                .body(LibpodRequest.Body.stream(TAR, new TricklingInput(12, 10, 100), -1))
                .responseTimeout(SHORT).idleTimeout(SHORT).build();
        long start = System.nanoTime();

        BodyDigest received;
        try (LibpodResponse response = server.transport().exchange(request)) {
            assertThat(response.status()).isEqualTo(200);
            received = BodyDigest.fromJson(response.readBody(1024));
        }

        assertThat(received.bytes()).isEqualTo(120);
        assertThat(since(start)).as("four times the idle timeout").isGreaterThan(Duration.ofMillis(1100));
    }

    @Test
    void uploadThatTheServerStopsReadingIsATimeout() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> response.stall());
        PseudoRandomBytes upload = new PseudoRandomBytes(7, GIB);
        LibpodRequest request = LibpodRequest.builder("POST", "/v4.0.0/libpod/images/load")
                .body(LibpodRequest.Body.stream(TAR, upload, GIB)).responseTimeout(LONG).idleTimeout(SHORT).build();
        long start = System.nanoTime();

        assertThatThrownBy(() -> server.transport().exchange(request))
                .isInstanceOf(LibpodTimeoutException.class)
                .hasMessageContaining("sending POST /v4.0.0/libpod/images/load");

        assertThat(since(start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        assertThat(upload.produced()).isLessThan(GIB);
    }

    // ---- broken answers --------------------------------------------------------------------------

    @Test
    void contentLengthBodyCutShortIsAnEofNotAShortBody() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            response.head(200, "Content-Length: 1000");
            response.write(new byte[100]);
        });

        try (LibpodResponse response = server.transport().exchange(get("/cut"))) {
            assertThatThrownBy(() -> response.body().readAllBytes())
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining("100 of 1000");
        }
    }

    @Test
    void chunkedBodyCutInsideAChunkIsAnEof() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            response.head(200, "Transfer-Encoding: chunked");
            response.ascii("3e8\r\n");
            response.write(new byte[100]);
        });

        try (LibpodResponse response = server.transport().exchange(get("/cut"))) {
            assertThatThrownBy(() -> response.body().readAllBytes()).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void chunkedBodyCutBeforeItsLastChunkIsAnEof() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            response.head(200, "Transfer-Encoding: chunked");
            response.chunk(new byte[100], 0, 100);
        });

        try (LibpodResponse response = server.transport().exchange(get("/cut"))) {
            assertThatThrownBy(() -> response.body().readAllBytes()).isInstanceOf(EOFException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",                                                  // closed without a word
        "HELLO\r\n\r\n",                                     // not HTTP
        "HTTP/1.1 OK fine\r\n\r\n",                          // no status code
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n",          // head cut off before its end
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",          // malformed header
        "HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\n",   // malformed length
    })
    void malformedAnswerIsAnIoException(String answer) throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> response.ascii(answer));

        assertThatThrownBy(() -> server.transport().exchange(get("/x")).close())
                .isInstanceOf(IOException.class);
    }

    @Test
    void interimContinueAnswerIsSkipped() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            response.ascii("HTTP/1.1 100 Continue\r\n\r\n");
            response.json(201, "{\"Id\":\"abc\"}");
        });

        try (LibpodResponse response = server.transport().exchange(post("/x", LibpodRequest.Body.json("{}".getBytes())))) {
            assertThat(response.status()).isEqualTo(201);
            assertThat(new String(response.readBody(1024), StandardCharsets.UTF_8)).isEqualTo("{\"Id\":\"abc\"}");
        }
    }

    @Test
    void noContentAnswerEndsWithoutWaitingForTheConnectionToClose() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            response.head(204);
            response.stall();
        });
        LibpodRequest request = LibpodRequest.builder("POST", "/start").responseTimeout(LONG).idleTimeout(SHORT).build();

        try (LibpodResponse response = server.transport().exchange(request)) {
            assertThat(response.status()).isEqualTo(204);
            assertThat(response.readBody(1024)).isEmpty();
        }
    }

    @Test
    void noServiceAtTheSocketPathIsUnreachableNamingThePath() {
        Path socket = dir.resolve("absent.sock");

        assertThatThrownBy(() -> new UdsLibpodTransport(socket).exchange(get("/_ping")))
                .isInstanceOf(LibpodUnreachableException.class)
                .hasMessageContaining(socket.toString());
    }

    @Test
    void socketFileThatNobodyListensOnIsUnreachable() throws Exception {
        Path socket = dir.resolve("stale.sock");
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists(); // what a crashed podman service leaves behind

        assertThatThrownBy(() -> new UdsLibpodTransport(socket).exchange(get("/_ping")))
                .isInstanceOf(LibpodUnreachableException.class)
                .hasMessageContaining(socket.toString());
    }

    // ---- answers that come before the upload is done ---------------------------------------------

    @ParameterizedTest
    @ValueSource(longs = {-1, GIB})
    void answerGivenBeforeTheUploadEndsIsReturned(long declaredLength) throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            body.readNBytes(1 << 20);
            response.json(500, "{\"cause\":\"no space\",\"message\":\"storage full\",\"response\":500}");
            // returning closes the connection with the rest of the upload unread, as libpod does
        });
        PseudoRandomBytes upload = new PseudoRandomBytes(8, GIB);

        try (LibpodResponse response = server.transport().exchange(post("/v4.0.0/libpod/images/load",
                LibpodRequest.Body.stream(TAR, upload, declaredLength)))) {
            assertThat(response.status()).isEqualTo(500);
            assertThat(new String(response.readBody(1024), StandardCharsets.UTF_8)).contains("storage full");
        }
        assertThat(upload.produced()).as("the client gave up uploading").isLessThan(GIB);
    }

    @Test
    void hangUpDuringTheUploadWithoutAnAnswerIsAnIoException() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> body.readNBytes(1 << 20));

        assertThatThrownBy(() -> server.transport().exchange(post("/v4.0.0/libpod/images/load",
                LibpodRequest.Body.stream(TAR, new PseudoRandomBytes(9, GIB), GIB))).close())
                .isInstanceOf(IOException.class);
    }

    /** A download found damaged half-way (its digest): libpod would wait for the rest of the body for ever. */
    @ParameterizedTest
    @ValueSource(longs = {-1, 4 << 20})
    void aBodyWhoseSourceFailsEndsTheExchangeAtOnce(long declaredLength) throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> {
            body.transferTo(java.io.OutputStream.nullOutputStream());
            response.json(200, "{}"); // never reached: the body does not end
        });
        InputStream damaged = new java.io.FilterInputStream(new PseudoRandomBytes(10, 4 << 20)) {
            private long read;

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                if (read > 1 << 20) {
                    throw new IOException("inputs/x is damaged: sha256 mismatch");
                }
                int n = super.read(target, offset, length);
                read += Math.max(0, n);
                return n;
            }
        };
        LibpodRequest request = LibpodRequest.builder("PUT", "/v4.0.0/libpod/containers/upc-1/archive")
                .body(LibpodRequest.Body.stream(TAR, damaged, declaredLength))
                .responseTimeout(LONG).idleTimeout(LONG).build();
        long started = System.nanoTime();

        assertThatThrownBy(() -> server.transport().exchange(request).close())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("sha256 mismatch");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    // ---- what goes on the wire -------------------------------------------------------------------

    @Test
    void requestIsHttp11WithConnectionCloseAndAnEncodedQuery() throws Exception {
        server = ScriptedLibpodServer.start(dir, (request, body, response) -> response.json(200, "[]"));
        LibpodRequest list = LibpodRequest.builder("GET", "/v4.0.0/libpod/containers/json")
                .query("filters", "{\"label\":[\"upc.job=a b&c\"]}").query("all", true).build();
        LibpodRequest start = LibpodRequest.builder("POST", "/v4.0.0/libpod/containers/upc-1/start").build();

        server.transport().exchange(list).close();
        server.transport().exchange(start).close();

        ScriptedLibpodServer.Request sentList = server.requests().get(0);
        assertThat(sentList.method()).isEqualTo("GET");
        assertThat(sentList.target()).isEqualTo("/v4.0.0/libpod/containers/json?all=true"
                + "&filters=%7B%22label%22%3A%5B%22upc.job%3Da+b%26c%22%5D%7D");
        assertThat(sentList.header("connection")).isEqualTo("close");
        assertThat(sentList.header("host")).isNotBlank();
        assertThat(sentList.header("content-length")).isNull();
        ScriptedLibpodServer.Request sentStart = server.requests().get(1);
        assertThat(sentStart.header("content-length")).as("a POST without a body says so").isEqualTo("0");
        assertThat(server.connections()).as("one connection per exchange").isEqualTo(2);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private enum Framing { CHUNKED, CONTENT_LENGTH, END_OF_CONNECTION }

    private static void answerWithDigestOfBody(ScriptedLibpodServer.Request request, InputStream body,
                                               ScriptedLibpodServer.Response response) throws IOException {
        response.json(200, new DigestingInput(body).drain().json());
    }

    /** Sends {@code length} generated bytes as the body and returns the digest of what it sent. */
    private static BodyDigest sendGenerated(ScriptedLibpodServer.Response response, long seed, long length,
                                            Framing framing) throws IOException {
        switch (framing) {
            case CHUNKED -> response.head(200, "Content-Type: " + TAR, "Transfer-Encoding: chunked");
            case CONTENT_LENGTH -> response.head(200, "Content-Type: " + TAR, "Content-Length: " + length);
            case END_OF_CONNECTION -> response.head(200, "Content-Type: " + TAR);
        }
        DigestingInput generated = new DigestingInput(new PseudoRandomBytes(seed, length));
        byte[] buffer = new byte[256 * 1024];
        for (int n; (n = generated.readNBytes(buffer, 0, buffer.length)) > 0; ) {
            if (framing == Framing.CHUNKED) {
                response.chunk(buffer, 0, n);
            } else {
                response.write(buffer, 0, n);
            }
        }
        if (framing == Framing.CHUNKED) {
            response.lastChunk();
        }
        return generated.digest();
    }

    private BodyDigest upload(LibpodRequest.Body body) throws IOException {
        try (LibpodResponse response = server.transport().exchange(post("/upload", body))) {
            assertThat(response.status()).isEqualTo(200);
            return BodyDigest.fromJson(response.readBody(1024));
        }
    }

    private BodyDigest download() throws IOException {
        try (LibpodResponse response = server.transport().exchange(get("/download"))) {
            assertThat(response.status()).isEqualTo(200);
            return new DigestingInput(response.body()).drain();
        }
    }

    private static LibpodRequest get(String path) {
        return LibpodRequest.builder("GET", path).responseTimeout(LONG).idleTimeout(LONG).build();
    }

    private static LibpodRequest post(String path, LibpodRequest.Body body) {
        return LibpodRequest.builder("POST", path).body(body).responseTimeout(LONG).idleTimeout(LONG).build();
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** {@code pieces} pieces of {@code size} bytes, one every {@code everyMillis}: slow, never stalled. */
    private static final class TricklingInput extends InputStream {

        private final int size;
        private final long everyMillis;
        private int piecesLeft;

        TricklingInput(int pieces, int size, long everyMillis) {
            this.piecesLeft = pieces;
            this.size = size;
            this.everyMillis = everyMillis;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (piecesLeft == 0) {
                return -1;
            }
            try {
                Thread.sleep(everyMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
            int n = Math.min(length, size);
            Arrays.fill(target, offset, offset + n, (byte) 'x');
            piecesLeft--;
            return n;
        }
    }
}
