package dev.upc.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import dev.upc.store.testing.StoreProcess;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged store as its own process with a 64 MiB heap: a 1 GiB blob goes in and out intact (so nothing
 * buffers whole bodies), an upload cut off mid-body leaves nothing behind, and racing PUTs of one id resolve to
 * one winner.
 */
class StoreProcessIT {

    private static final long GIB = 1L << 30;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(4);
    private static final Duration WAIT_TIMEOUT = Duration.ofSeconds(8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static StoreProcess store;
    private static Path directory;
    private static String base;
    private static int port;
    private static String adminToken;

    @BeforeAll
    static void start() throws Exception {
        directory = Path.of("target", "it-store-" + UUID.randomUUID()).toAbsolutePath();
        store = StoreProcess.start(directory, Path.of("target", "it-store.log").toAbsolutePath(),
                Map.of("upc.store.upload-idle-timeout", IDLE_TIMEOUT.toSeconds() + "s",
                        "upc.store.upload-wait-timeout", WAIT_TIMEOUT.toSeconds() + "s"));
        port = store.port();
        base = store.blobs();
        adminToken = store.adminToken();
    }

    @AfterAll
    static void stop() throws Exception {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void roundTripsOneGibibyteOnA64MiBHeap() throws Exception {
        GeneratedContent upload = new GeneratedContent(GIB, 42);
        // HttpURLConnection in fixed-length streaming mode: the JDK HttpClient's ofInputStream publisher manages
        // only ~6 MiB/s here (measured; 32 s for 256 MiB even into a trivial socket sink).
        HttpURLConnection put = (HttpURLConnection) URI.create(base + "/checkpoints/big-1").toURL().openConnection();
        put.setRequestMethod("PUT");
        put.setRequestProperty("Authorization", "Bearer " + adminToken);
        put.setDoOutput(true);
        put.setFixedLengthStreamingMode(GIB);
        try (OutputStream out = put.getOutputStream()) {
            upload.transferTo(out);
        }

        assertThat(put.getResponseCode()).isEqualTo(201);
        JsonNode info;
        try (InputStream reply = put.getInputStream()) {
            info = JSON.readTree(reply);
        }
        assertThat(info.get("size").asLong()).isEqualTo(GIB);
        assertThat(info.get("sha256").asText()).isEqualTo(upload.sha256());

        HttpResponse<InputStream> get = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/checkpoints/big-1"))
                .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("ETag")).hasValue("\"" + upload.sha256() + "\"");
        assertThat(get.headers().firstValueAsLong("Content-Length")).hasValue(GIB);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long received = 0;
        try (InputStream body = get.body()) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                sha256.update(buffer, 0, n);
                received += n;
            }
        }
        assertThat(received).isEqualTo(GIB);
        assertThat(HexFormat.of().formatHex(sha256.digest())).isEqualTo(upload.sha256());
        assertThat(store.isAlive()).as("store survived with -Xmx64m").isTrue();

        HTTP.send(HttpRequest.newBuilder(URI.create(base + "/checkpoints/big-1"))
                .header("Authorization", "Bearer " + adminToken).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
    }

    @Test
    void abortedUploadLeavesNoBlobAndNoTempFile() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /api/v1/blobs/checkpoints/aborted HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + adminToken + "\r\n"
                    + "Content-Length: 104857600\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 8; i++) {
                out.write(chunk);
            }
            out.flush();
            awaitTrue(() -> !uploadTempFiles().isEmpty(), "upload temp file appears");
        }

        awaitTrue(() -> uploadTempFiles().isEmpty(), "upload temp file removed after the client left");
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/checkpoints/aborted"))
                .header("Authorization", "Bearer " + adminToken).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(404);
        awaitNoHashingStage();
    }

    @Test
    void pipelinedRequestsOnOneConnectionEachGetTheirOwnBody() throws Exception {
        byte[] small = "a body that arrives with its headers".getBytes(StandardCharsets.US_ASCII);
        byte[] large = new GeneratedContent((300 << 10) + 1, 5).readAllBytes(); // crosses a 256 KiB chunk
        String requests = rawPut("pipe-small", small.length) + new String(small, StandardCharsets.ISO_8859_1)
                + rawPut("pipe-large", large.length) + new String(large, StandardCharsets.ISO_8859_1)
                + rawPut("pipe-empty", 0)
                + "GET /api/v1/blobs/checkpoints/pipe-large HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + adminToken + "\r\nConnection: close\r\n\r\n";
        String replies;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            replies = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }

        assertThat(replies.split("HTTP/1.1 ", -1)).hasSize(5);
        assertThat(replies).contains("\"id\":\"pipe-small\",\"size\":" + small.length + ",\"sha256\":\"" + sha256(small))
                .contains("\"id\":\"pipe-large\",\"size\":" + large.length + ",\"sha256\":\"" + sha256(large))
                .contains("\"id\":\"pipe-empty\",\"size\":0,");
        assertThat(replies).endsWith(new String(large, StandardCharsets.ISO_8859_1));
    }

    @Test
    void aBodyTrickledSlowerThanAChunkPerIdleTimeoutIsTakenWhole() throws Exception {
        byte[] body = new GeneratedContent(10_000, 11).readAllBytes();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(rawPut("trickle", body.length, "Connection: close").getBytes(StandardCharsets.US_ASCII));
            long pause = IDLE_TIMEOUT.toMillis() / 5;
            for (int offset = 0; offset < body.length; offset += 1_000) { // 10 pieces over twice the idle timeout
                out.write(body, offset, 1_000);
                out.flush();
                Thread.sleep(pause);
            }
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(reply).startsWith("HTTP/1.1 201").contains(sha256(body));
        }
    }

    @Test
    void aBodyThatStopsForLongerThanTheIdleTimeoutIsRefusedAndLeavesNothing() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(rawPut("stalled", 1 << 20, "Connection: close").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1000]);
            out.flush();
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(reply).startsWith("HTTP/1.1 400").contains("upload_aborted");
        }
        awaitTrue(() -> uploadTempFiles().isEmpty(), "no temp file left");
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/checkpoints/stalled"))
                .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(404);
        awaitNoHashingStage();
    }

    /** Every upload's hashing stage (a thread per body) ended: none waits for bytes that will never come. */
    private static void awaitNoHashingStage() throws Exception {
        awaitTrue(() -> !store.threadDump().contains("RequestBody.hashAll"), "the upload's hashing stage ended");
    }

    /** The head of a PUT with the admin token and, after it, {@code headers} (such as {@code Connection: close}). */
    private static String rawPut(String id, long length, String... headers) {
        StringBuilder head = new StringBuilder("PUT /api/v1/blobs/checkpoints/" + id + " HTTP/1.1\r\nHost: localhost"
                + "\r\nAuthorization: Bearer " + adminToken + "\r\nContent-Length: " + length + "\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void concurrentIdenticalPutsCreateOnceAndTheRestAreNoOps() throws Exception {
        List<Integer> statuses = racePuts("race-same", i -> new GeneratedContent(4L << 20, 7));

        assertThat(statuses).containsOnly(200, 201);
        assertThat(statuses.stream().filter(s -> s == 201)).hasSize(1);
    }

    @Test
    void concurrentDifferentPutsHaveOneWinnerAndConflicts() throws Exception {
        List<Integer> statuses = racePuts("race-different", i -> new GeneratedContent(4L << 20, 100 + i));

        assertThat(statuses.stream().filter(s -> s == 201)).hasSize(1);
        assertThat(statuses.stream().filter(s -> s == 409)).hasSize(7);
        assertThat(uploadTempFiles()).isEmpty();
    }

    @Test
    void manyConcurrentUploadsAllLandOnA64MiBHeap() throws Exception {
        int uploads = 24;
        ExecutorService pool = Executors.newFixedThreadPool(uploads);
        try {
            CyclicBarrier start = new CyclicBarrier(uploads);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < uploads; i++) {
                String id = "crowd-" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return putSized("/checkpoints/" + id, adminToken, 48L << 20);
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get()).isEqualTo(201);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.isAlive()).isTrue();
        assertThat(uploadTempFiles()).isEmpty();
    }

    @Test
    void uploadsBeyondTheSlotsWaitAndBeyondTheLineAreRefusedAndLeaversFreeTheirPlace() throws Exception {
        int slots = 8; // upc.store.max-concurrent-uploads
        int line = 64; // upc.store.max-waiting-uploads
        List<Socket> clients = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            // Uploads that ask for 100 Continue: the first ones get it and hold every slot, sending a byte now and
            // then (an idle body would be aborted), the rest wait in line with nothing sent.
            for (int i = 0; i < slots + line; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(30_000);
                clients.add(socket);
                socket.getOutputStream().write(rawPut("held-" + i, 1 << 20, "Expect: 100-continue")
                        .getBytes(StandardCharsets.US_ASCII));
                if (i < slots) {
                    assertThat(readHead(socket)).as("upload %d is admitted at once", i).startsWith("HTTP/1.1 100");
                }
            }
            List<Socket> admitted = List.copyOf(clients.subList(0, slots));
            trickle.scheduleAtFixedRate(() -> admitted.forEach(socket -> {
                try {
                    socket.getOutputStream().write(0);
                } catch (IOException ignored) {
                    // the test is over
                }
            }), 0, IDLE_TIMEOUT.toMillis() / 4, TimeUnit.MILLISECONDS);
            awaitTrue(() -> metric("upc_store_uploads{state=\"waiting\"}") == line, "the line is full");
            assertThat(metric("upc_store_uploads{state=\"reading\"}")).isEqualTo(slots);

            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/checkpoints/too-many"))
                    .header("Authorization", "Bearer " + adminToken)
                    .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("store_busy");
        } finally {
            trickle.shutdownNow();
            for (Socket socket : clients) {
                socket.close();
            }
        }
        // Every client left, admitted or waiting: their slots and places come back.
        awaitTrue(() -> metric("upc_store_uploads{state=\"reading\"}") == 0
                && metric("upc_store_uploads{state=\"waiting\"}") == 0, "slots and line are free again");
        assertThat(putSized("/checkpoints/after-the-crowd", adminToken, 1L << 20)).isEqualTo(201);
        awaitTrue(() -> uploadTempFiles().isEmpty(), "no temp file left");
    }

    @Test
    void anUploadThatWaitedTooLongForASlotIsSentAwayUnreadAndTheLineEmpties() throws Exception {
        int slots = 8; // upc.store.max-concurrent-uploads
        List<Socket> holders = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < slots; i++) { // slow uploads that hold every slot, a byte now and then
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(30_000);
                holders.add(socket);
                socket.getOutputStream().write(rawPut("slow-" + i, 1 << 20, "Expect: 100-continue")
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(readHead(socket)).startsWith("HTTP/1.1 100");
            }
            trickle.scheduleAtFixedRate(() -> holders.forEach(socket -> {
                try {
                    socket.getOutputStream().write(0);
                } catch (IOException ignored) {
                    // the test is over
                }
            }), 0, IDLE_TIMEOUT.toMillis() / 4, TimeUnit.MILLISECONDS);
            try (Socket waiter = new Socket("127.0.0.1", port)) {
                waiter.setSoTimeout((int) WAIT_TIMEOUT.multipliedBy(3).toMillis());
                waiter.getOutputStream().write(rawPut("waits", 1 << 20, "Expect: 100-continue")
                        .getBytes(StandardCharsets.US_ASCII));
                long asked = System.nanoTime();
                String answer = new String(waiter.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                long waitedMs = (System.nanoTime() - asked) / 1_000_000;

                assertThat(answer).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after")
                        .contains("store_busy").contains("for an upload slot");
                assertThat(waitedMs).as("sent away after the wait timeout, not before")
                        .isGreaterThanOrEqualTo(WAIT_TIMEOUT.toMillis() - 500);
            }
            assertThat(metric("upc_store_uploads{state=\"waiting\"}")).isZero();
        } finally {
            trickle.shutdownNow();
            for (Socket socket : holders) {
                socket.close();
            }
        }
        awaitTrue(() -> metric("upc_store_uploads{state=\"reading\"}") == 0, "the slots are free again");
        awaitTrue(() -> uploadTempFiles().isEmpty(), "no temp file left of the slow or the refused upload");
    }

    /** The value of one Prometheus sample of the store, by its name and labels as /q/metrics prints them. */
    private static double metric(String sample) throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith(sample + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(sample.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError("no sample " + sample + " in /q/metrics"));
    }

    /** Reads a response head (up to the blank line) from a raw socket. */
    private static String readHead(Socket socket) throws IOException {
        StringBuilder head = new StringBuilder();
        InputStream in = socket.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void uploadsNeedATokenForTheirBlobAndAreRefusedBeforeAnyByteIsStored() throws Exception {
        String blob = "/checkpoints/job-9-1-1";
        assertThat(putSizedAnonymously(blob, 8L << 20)).isEqualTo(401);
        assertThat(putSized(blob, store.mint().capability("checkpoints/job-9-1-2", "write"), 8L << 20)).isEqualTo(403);
        assertThat(putSized(blob, store.mint().capability("checkpoints/job-9-1-1", "read"), 8L << 20)).isEqualTo(403);
        assertThat(uploadTempFiles()).isEmpty();

        assertThat(putSized(blob, store.mint().capability("checkpoints/job-9-1-1", "write"), 8L << 20)).isEqualTo(201);
    }

    private int putSized(String blob, String token, long size) throws IOException {
        HttpURLConnection put = (HttpURLConnection) URI.create(base + blob).toURL().openConnection();
        put.setRequestMethod("PUT");
        if (token != null) {
            put.setRequestProperty("Authorization", "Bearer " + token);
        }
        put.setDoOutput(true);
        put.setFixedLengthStreamingMode(size);
        try (OutputStream out = put.getOutputStream()) {
            new GeneratedContent(size, 9).transferTo(out);
        }
        return put.getResponseCode();
    }

    /**
     * A PUT of {@code size} bytes without a token, by hand: the store answers before the body and closes the
     * connection, which {@link HttpURLConnection} reports as a failed write with no response. Returns the status.
     */
    private int putSizedAnonymously(String blob, long size) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("PUT /api/v1/blobs" + blob + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = readHead(socket);
            assertThat(head).containsIgnoringCase("connection: close");
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    @Test
    void undecodablePathIsABadRequestNotAServerError() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("GET /api/v1/blobs/checkpoints/a%zz HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            // Vert.x refuses the undecodable URI before routing, so this 400 has no ErrorResponse body.
            assertThat(reply).startsWith("HTTP/1.1 400");
        }
    }

    private List<Integer> racePuts(String id, java.util.function.IntFunction<GeneratedContent> content)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CyclicBarrier start = new CyclicBarrier(8);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                GeneratedContent body = content.apply(i);
                results.add(pool.submit(() -> {
                    start.await();
                    return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/checkpoints/" + id))
                            .header("Authorization", "Bearer " + adminToken).PUT(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                }));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> result : results) {
                statuses.add(result.get());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Path> uploadTempFiles() {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".upload-")).toList();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return uploadTempFiles(); // the store removed a file while the walk was looking at it: look again
            }
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(java.util.concurrent.Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Deterministic pseudo-random bytes generated on the fly, digested as they are handed out. */
    static final class GeneratedContent extends InputStream {

        private final long size;
        private final MessageDigest sha256;
        private long state;
        private long position;
        private String digest;

        GeneratedContent(long size, long seed) {
            this.size = size;
            this.state = seed * 0x9E3779B97F4A7C15L + 1;
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (position == size) {
                return -1;
            }
            int n = (int) Math.min(length, size - position);
            for (int i = 0; i < n; i++) {
                if (((position + i) & 7) == 0) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                }
                into[offset + i] = (byte) (state >>> (((position + i) & 7) * 8));
            }
            sha256.update(into, offset, n);
            position += n;
            return n;
        }

        /** The sha256 of all the content; read it after the whole stream was consumed. */
        String sha256() {
            if (digest == null) {
                assertThat(position).as("content fully read").isEqualTo(size);
                digest = HexFormat.of().formatHex(sha256.digest());
            }
            return digest;
        }
    }
}
