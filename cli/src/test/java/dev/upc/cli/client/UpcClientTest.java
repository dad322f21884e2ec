package dev.upc.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.cli.testing.FakeApi;
import dev.upc.cli.testing.Samples;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ClusterInfo;
import dev.upc.protocol.ErrorResponse;
import dev.upc.protocol.Identity;
import dev.upc.protocol.ImageInfo;
import dev.upc.protocol.ImageReference;
import dev.upc.protocol.InputUploadRequest;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventList;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobInput;
import dev.upc.protocol.JobList;
import dev.upc.protocol.JobLogEntry;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.MigrationRequest;
import dev.upc.protocol.UploadGrant;
import dev.upc.protocol.UserRequest;
import dev.upc.protocol.UserToken;
import dev.upc.protocol.UserInfo;
import dev.upc.protocol.WorkerList;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client against a loopback server, for both JSON transports where the transport matters. */
class UpcClientTest {

    private final FakeApi api = FakeApi.start();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        api.close();
    }

    private UpcClient client(Transport transport) {
        return new UpcClient(new Endpoint(api.url(), "secret-token"), transport);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void submitSendsTheSubmissionWithTheTokenAndReadsTheJob(Transport transport) {
        JobInfo queued = Samples.job("j7", JobState.QUEUED);
        api.json("POST", "/api/v1/jobs", 201, queued);
        JobSubmission submission = Samples.submission("count", 600.0);

        try (UpcClient client = client(transport)) {
            assertThat(client.submit(submission)).isEqualTo(queued);
        }
        FakeApi.Request request = api.requests("POST", "/api/v1/jobs").get(0);
        assertThat(request.authorization()).isEqualTo("Bearer secret-token");
        assertThat(request.contentType()).isEqualTo("application/json");
        assertThat(request.bodyAs(JobSubmission.class)).isEqualTo(submission);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void unknownFieldsOfANewerServiceAreIgnored(Transport transport) {
        api.on("GET", "/api/v1/whoami", exchange -> exchange.bytes(200, "application/json",
                ("{\"name\":\"alice\",\"kind\":\"user\",\"groups\":[\"user\"],\"expiresAt\":\"2026-12-31T00:00:00Z\","
                        + "\"quota\":{\"cpus\":4},\"newField\":true}").getBytes(StandardCharsets.UTF_8)));
        try (UpcClient client = client(transport)) {
            assertThat(client.whoami()).isEqualTo(new Identity("alice", "user", List.of("user"),
                    Instant.parse("2026-12-31T00:00:00Z")));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void jobsUpToAMaximumSizeThePagesToEndExactlyThere(Transport transport) {
        List<JobInfo> all = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            all.add(Samples.job("j" + i, JobState.RUNNING));
        }
        api.on("GET", "/api/v1/jobs", exchange -> {
            int from = exchange.request().param("cursor") == null ? 0
                    : Integer.parseInt(exchange.request().param("cursor"));
            int limit = Integer.parseInt(exchange.request().param("limit"));
            int to = Math.min(all.size(), from + Math.min(limit, 3)); // the server caps pages at 3
            exchange.json(200, new JobList(all.subList(from, to), to < all.size() ? String.valueOf(to) : null));
        });
        try (UpcClient client = client(transport)) {
            JobList five = client.jobs(JobQuery.everyone().withState(JobState.RUNNING), 5);
            assertThat(five.jobs()).extracting(JobInfo::id).containsExactly("j1", "j2", "j3", "j4", "j5");
            assertThat(five.nextCursor()).isEqualTo("5");

            JobList rest = client.jobs(JobQuery.everyone().withCursor(five.nextCursor()), 100);
            assertThat(rest.jobs()).extracting(JobInfo::id).containsExactly("j6", "j7");
            assertThat(rest.nextCursor()).isNull();

            List<String> iterated = new ArrayList<>();
            client.allJobs(JobQuery.mine().withLimit(2)).forEach(job -> iterated.add(job.id()));
            assertThat(iterated).hasSize(7);
        }
        FakeApi.Request first = api.requests("GET", "/api/v1/jobs").get(0);
        assertThat(first.param("owner")).isEqualTo("*");
        assertThat(first.param("state")).isEqualTo("RUNNING");
        assertThat(first.param("limit")).isEqualTo("5");
        assertThat(api.requests("GET", "/api/v1/jobs").get(1).param("limit")).isEqualTo("2");
    }

    @Test
    void eventsFollowTheCursorToTheLastPage() {
        JobEvent submitted = new JobEvent(1, JobEventType.SUBMITTED, Samples.NOW, 0, null, Map.of());
        JobEvent placed = new JobEvent(2, JobEventType.PLACED, Samples.NOW, 1, "w1", Map.of("fromCheckpoint", false));
        api.on("GET", "/api/v1/jobs/j1/events", exchange -> exchange.json(200,
                exchange.request().param("cursor") == null ? new JobEventList("j1", List.of(submitted), "c1")
                        : new JobEventList("j1", List.of(placed), null)));
        try (UpcClient client = client(Transport.HTTP_CLIENT)) {
            assertThat(client.events("j1")).extracting(JobEvent::seq).containsExactly(1L, 2L);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void logsArriveEntryByEntryWhileTheAnswerIsStillOpen(Transport transport) throws Exception {
        CountDownLatch firstSeen = new CountDownLatch(1);
        api.on("GET", "/api/v1/jobs/j1/logs", exchange -> {
            try (OutputStream out = exchange.stream(200, "application/x-ndjson")) {
                out.write(line(new JobLogEntry(JobLogEntry.Type.EPOCH, 1, null, Samples.NOW, null, "started on pc1",
                        "w1", 0L, null, null)));
                out.flush();
                // the second entry only comes once the client has handed on the first
                if (!firstSeen.await(5, TimeUnit.SECONDS)) {
                    throw new IOException("the client did not stream");
                }
                out.write(line(JobLogEntry.line(1, 1, Samples.NOW, "stdout", "hello", false)));
                out.write("\n".getBytes(StandardCharsets.UTF_8)); // a keep-alive blank line
                out.write(line(JobLogEntry.line(1, 2, Samples.NOW, "stderr", "wörld", true)));
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        });
        List<JobLogEntry> entries = new ArrayList<>();
        try (UpcClient client = client(transport)) {
            client.logs("j1", true, entry -> {
                entries.add(entry);
                firstSeen.countDown();
            });
        }
        assertThat(entries).extracting(JobLogEntry::type).containsExactly(JobLogEntry.Type.EPOCH,
                JobLogEntry.Type.LINE, JobLogEntry.Type.LINE);
        assertThat(entries.get(2).text()).isEqualTo("wörld");
        assertThat(entries.get(2).repeated()).isTrue();
        FakeApi.Request request = api.requests().get(0);
        assertThat(request.accept()).isEqualTo("application/x-ndjson");
        assertThat(request.param("follow")).isEqualTo("true");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anErrorResponseBecomesAnApiExceptionWithItsCode(Transport transport) {
        api.error("GET", "/api/v1/jobs/j9", 404, "job_not_found", "no job j9");
        try (UpcClient client = client(transport)) {
            assertThatThrownBy(() -> client.job("j9")).isInstanceOfSatisfying(UpcApiException.class, e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.code()).contains("job_not_found");
                assertThat(e.serverMessage()).isEqualTo("no job j9");
                assertThat(e.method()).isEqualTo("GET");
                assertThat(e.uri()).isEqualTo(URI.create(api.url() + "/api/v1/jobs/j9"));
                assertThat(e.getMessage()).contains("GET " + api.url() + "/api/v1/jobs/j9", "404", "no job j9");
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void fieldErrorsOfARejectedBodyAreKept(Transport transport) {
        api.json("POST", "/api/v1/jobs", 400, new ErrorResponse(400, "invalid_body", "the submission is invalid",
                List.of(new ErrorResponse.FieldError("cpus", "must be at most 64"))));
        try (UpcClient client = client(transport)) {
            assertThatThrownBy(() -> client.submit(Samples.submission("count", null)))
                    .isInstanceOfSatisfying(UpcApiException.class, e -> assertThat(e.error().orElseThrow().details())
                            .containsExactly(new ErrorResponse.FieldError("cpus", "must be at most 64")));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aNonJsonErrorBodyIsKeptAsText(Transport transport) {
        api.on("GET", "/api/v1/jobs/j1", exchange -> exchange.bytes(502, "text/html",
                "<html><body>Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8)));
        try (UpcClient client = client(transport)) {
            assertThatThrownBy(() -> client.job("j1")).isInstanceOfSatisfying(UpcApiException.class, e -> {
                assertThat(e.status()).isEqualTo(502);
                assertThat(e.error()).isEmpty();
                assertThat(e.serverMessage()).contains("Bad Gateway");
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void anUnreachableServerIsNamedWithinTheConnectTimeout(Transport transport) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI server = URI.create("http://127.0.0.1:" + closedPort);
        long started = System.nanoTime();
        try (UpcClient client = new UpcClient(new Endpoint(server, "t", Duration.ofSeconds(2)), transport)) {
            assertThatThrownBy(client::whoami).isInstanceOfSatisfying(UpcConnectionException.class, e -> {
                assertThat(e.getMessage()).isEqualTo("cannot reach the scheduler at " + server
                        + ": connection refused");
                assertThat(e.service()).isEqualTo(Service.SCHEDULER);
            });
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void anInputIsUploadedWithItsShaAndTheGrantsToken() throws Exception {
        Path script = Files.writeString(dir.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        String sha = sha256(Files.readAllBytes(script));
        api.json("POST", "/api/v1/inputs/uploads", 200, new UploadGrant(BlobKind.INPUTS, "alice-" + sha,
                api.url() + "/api/v1/blobs/inputs/alice-" + sha, "grant-token", Samples.NOW, false));
        api.json("PUT", "/api/v1/blobs/inputs/alice-" + sha, 201, Map.of("id", "alice-" + sha));
        List<long[]> progress = new ArrayList<>();

        JobInput input;
        try (UpcClient client = client(Transport.URL_CONNECTION)) {
            input = client.uploadInput(script, "/job/run.sh", (done, total) -> progress.add(new long[] {done,
                    total}));
        }

        assertThat(input).isEqualTo(new JobInput("/job/run.sh", sha, Files.size(script), 0755, null));
        assertThat(api.requests("POST", "/api/v1/inputs/uploads").get(0).bodyAs(InputUploadRequest.class))
                .isEqualTo(new InputUploadRequest(sha, Files.size(script)));
        FakeApi.Request put = api.requests("PUT", "/api/v1/blobs/inputs/alice-" + sha).get(0);
        assertThat(put.sha256Header()).isEqualTo(sha);
        assertThat(put.authorization()).isEqualTo("Bearer grant-token");
        assertThat(put.body()).isEqualTo(Files.readAllBytes(script));
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1)).containsExactly(Files.size(script), Files.size(script));
    }

    @Test
    void anInputTheStoreHoldsAlreadyIsNotSentAgain() throws Exception {
        Path data = Files.writeString(dir.resolve("data.csv"), "x,y\n");
        api.json("POST", "/api/v1/inputs/uploads", 200, new UploadGrant(BlobKind.INPUTS, "alice-x",
                api.url() + "/api/v1/blobs/inputs/alice-x", null, Samples.NOW, true));
        try (UpcClient client = client(Transport.HTTP_CLIENT)) {
            assertThat(client.uploadInput(data, "/job/data.csv").mode()).isEqualTo(0644);
        }
        assertThat(api.requests()).extracting(FakeApi.Request::method).containsExactly("POST");
    }

    @Test
    void aMissingInputFileIsALocalError() {
        try (UpcClient client = client(Transport.HTTP_CLIENT)) {
            assertThatThrownBy(() -> client.uploadInput(dir.resolve("nope.csv"), "/job/nope.csv"))
                    .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("nope.csv: no such file");
        }
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void anImageIsPushedWithAGrantThenRecorded() throws Exception {
        Path archive = Files.write(dir.resolve("image.tar"), new byte[300_000]);
        String reference = "localhost/alice/solver:1";
        api.json("POST", "/api/v1/images/uploads", 200, new UploadGrant(BlobKind.IMAGES, "img",
                "/api/v1/blobs/images/img", "image-grant", Samples.NOW, false));
        api.json("GET", "/api/v1/cluster", 200, new ClusterInfo("1", null, null));
        api.json("PUT", "/api/v1/blobs/images/img", 201, Map.of());
        ImageInfo recorded = new ImageInfo(reference, "alice", "img", 300_000, "0".repeat(64), Samples.NOW);
        api.json("POST", "/api/v1/images", 201, recorded);

        try (UpcClient client = client(Transport.URL_CONNECTION)) {
            assertThat(client.pushImage(reference, archive)).isEqualTo(recorded);
        }
        assertThat(api.requests()).extracting(FakeApi.Request::method).containsExactly("POST", "GET", "PUT", "POST");
        FakeApi.Request put = api.requests("PUT", "/api/v1/blobs/images/img").get(0);
        assertThat(put.authorization()).isEqualTo("Bearer image-grant");
        assertThat(put.body()).hasSize(300_000);
        assertThat(api.requests("POST", "/api/v1/images").get(0).bodyAs(ImageReference.class))
                .isEqualTo(new ImageReference(reference));
    }

    @Test
    void outputIsStreamedIntoTheGivenStream() {
        byte[] tar = new byte[1 << 20];
        tar[12345] = 7;
        api.on("GET", "/api/v1/jobs/j1/output", exchange -> exchange.bytes(200, "application/x-tar", tar));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (UpcClient client = client(Transport.HTTP_CLIENT)) {
            assertThat(client.output("j1", out)).isEqualTo(tar.length);
        }
        assertThat(out.toByteArray()).isEqualTo(tar);
    }

    @Test
    void workersAreOnTheRegistryTheClusterNamesAndResolvedByPcName() {
        try (FakeApi registry = FakeApi.start()) {
            api.json("GET", "/api/v1/cluster", 200, new ClusterInfo("1", registry.url().toString(), null));
            registry.json("GET", "/api/v1/workers", 200, new WorkerList(List.of(Samples.worker("w1", "pc1"),
                    Samples.worker("w2", "pc2"), Samples.worker("w3", "pc2")), null));
            registry.json("POST", "/api/v1/workers/w1/drain", 200, Samples.worker("w1", "pc1"));
            try (UpcClient client = client(Transport.URL_CONNECTION)) {
                assertThat(client.drain("PC1").workerId()).isEqualTo("w1");
                assertThat(client.workerId("w3")).isEqualTo("w3");
                assertThatThrownBy(() -> client.drain("pc2")).isInstanceOfSatisfying(WorkerNameException.class,
                        e -> {
                            assertThat(e.unknown()).isFalse();
                            assertThat(e.getMessage()).contains("ambiguous", "w2, w3");
                        });
                assertThatThrownBy(() -> client.undrain("pc9")).isInstanceOfSatisfying(WorkerNameException.class,
                        e -> assertThat(e.unknown()).isTrue());
            }
            assertThat(registry.requests("POST", "/api/v1/workers/w1/drain")).hasSize(1);
            assertThat(api.requests("GET", "/api/v1/cluster")).hasSize(1); // asked once per client
        }
    }

    /** The registry answers revoke, remove and unban with 204 and no body, as the real one does. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void revokingRemovingAndUnbanningAWorkerReadNoBody(Transport transport) {
        try (FakeApi registry = FakeApi.start()) {
            api.json("GET", "/api/v1/cluster", 200, new ClusterInfo("1", registry.url().toString(), null));
            registry.json("GET", "/api/v1/workers", 200, new WorkerList(List.of(Samples.worker("w1", "pc1")), null));
            for (String[] call : new String[][] {{"POST", "/api/v1/workers/w1/revoke"}, {"DELETE", "/api/v1/workers/w1"},
                    {"DELETE", "/api/v1/worker-revocations/w1"}}) {
                registry.on(call[0], call[1], exchange -> exchange.bytes(204, "application/json", new byte[0]));
            }
            try (UpcClient client = client(transport)) {
                assertThat(client.revokeWorker("pc1")).isEqualTo("w1");
                assertThat(client.removeWorker("pc1")).isEqualTo("w1");
                client.unbanWorker("w1");
            }
            assertThat(registry.requests("POST", "/api/v1/workers/w1/revoke")).hasSize(1);
            assertThat(registry.requests("DELETE", "/api/v1/worker-revocations/w1")).hasSize(1);
        }
    }

    @Test
    void migrateSendsTheTargetOrNoBodyAtAll() {
        api.json("POST", "/api/v1/jobs/j1/migrate", 200, Samples.job("j1", JobState.MIGRATING, "pc1", 10.0));
        try (UpcClient client = client(Transport.URL_CONNECTION)) {
            client.migrate("j1", "pc2");
            client.migrate("j1", null);
        }
        List<FakeApi.Request> requests = api.requests("POST", "/api/v1/jobs/j1/migrate");
        assertThat(requests.get(0).bodyAs(MigrationRequest.class)).isEqualTo(new MigrationRequest("pc2"));
        assertThat(requests.get(1).body()).isEmpty();
    }

    @Test
    void usersAreAddedWithTheirTokensLife() {
        UserToken minted = new UserToken(new UserInfo("bob", Samples.NOW, "admin", null), "tok", Samples.NOW);
        api.json("POST", "/api/v1/users", 201, minted);
        try (UpcClient client = client(Transport.HTTP_CLIENT)) {
            assertThat(client.addUser("bob", Duration.ofDays(7))).isEqualTo(minted);
        }
        assertThat(api.requests().get(0).bodyAs(UserRequest.class)).isEqualTo(new UserRequest("bob", 604_800L));
    }

    @Test
    void awaitPollsUntilTheJobFinishesAndToldEachChange() {
        List<JobState> states = new ArrayList<>(List.of(JobState.QUEUED, JobState.QUEUED, JobState.RUNNING,
                JobState.RUNNING, JobState.SUCCEEDED));
        api.on("GET", "/api/v1/jobs/j1", exchange -> exchange.json(200, Samples.job("j1",
                states.size() > 1 ? states.remove(0) : states.get(0), "pc1", 1.0)));
        List<JobState> told = new ArrayList<>();
        try (UpcClient client = client(Transport.URL_CONNECTION)) {
            JobInfo done = client.awaitJob("j1", job -> job.state().terminal(), Duration.ofSeconds(10),
                    job -> told.add(job.state()));
            assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        }
        assertThat(told).containsExactly(JobState.QUEUED, JobState.RUNNING, JobState.SUCCEEDED);
    }

    @Test
    void awaitGivesUpAfterItsTimeoutWithTheJobAsLastSeen() {
        api.json("GET", "/api/v1/jobs/j1", 200, Samples.job("j1", JobState.RUNNING, "pc1", 1.0));
        try (UpcClient client = client(Transport.URL_CONNECTION)) {
            assertThatThrownBy(() -> client.awaitJob("j1", job -> job.state().terminal(), Duration.ofMillis(300),
                    job -> { })).isInstanceOfSatisfying(AwaitTimeoutException.class,
                            e -> assertThat(e.lastSeen().state()).isEqualTo(JobState.RUNNING));
        }
    }

    @Test
    void aTokenFileIsReadAtEveryRequest() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "first\n");
        api.json("GET", "/api/v1/whoami", 200, new Identity("a", "user", List.of(), null));
        try (UpcClient client = new UpcClient(new Endpoint(api.url(), TokenSource.file(file), null),
                Transport.URL_CONNECTION)) {
            client.whoami();
            Files.writeString(file, "second");
            client.whoami();
        }
        assertThat(api.requests()).extracting(FakeApi.Request::authorization)
                .containsExactly("Bearer first", "Bearer second");
    }

    @Test
    void idsAreEscapedAsOnePathSegment() {
        assertThat(ApiUrl.of(URI.create("http://h:1/prefix/"), "/api/v1/jobs/{jobId}").with("jobId", "a/b c")
                .param("owner", "*").toUri().toString()).isEqualTo("http://h:1/prefix/api/v1/jobs/a%2Fb%20c?owner=*");
        assertThat(ApiUrl.segment("..")).isEqualTo("%2E%2E");
    }

    @Test
    void blobsArePutAndGotOnTheStoreWithTheClientsToken() throws Exception {
        try (FakeApi store = FakeApi.start()) {
            api.json("GET", "/api/v1/cluster", 200, new ClusterInfo("1", null, store.url().toString()));
            store.json("PUT", "/api/v1/blobs/checkpoints/c1", 201, Map.of("kind", "checkpoints", "id", "c1", "size", 3,
                    "sha256", "ab", "createdAt", "2026-12-04T12:00:00Z"));
            store.on("GET", "/api/v1/blobs/checkpoints/c1", exchange -> exchange.bytes(200, "application/octet-stream",
                    new byte[] {1, 2, 3}));
            Path file = Files.write(dir.resolve("c1"), new byte[] {1, 2, 3});
            try (UpcClient client = client(Transport.HTTP_CLIENT)) {
                assertThat(client.putBlob(BlobKind.CHECKPOINTS, "c1", file).size()).isEqualTo(3);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertThat(client.getBlob(BlobKind.CHECKPOINTS, "c1", out)).isEqualTo(3);
                assertThat(out.toByteArray()).containsExactly(1, 2, 3);
            }
            assertThat(store.requests()).extracting(FakeApi.Request::authorization).containsOnly("Bearer secret-token");
        }
    }

    private static byte[] line(Object entry) throws IOException {
        return (ProtocolJson.MAPPER.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
