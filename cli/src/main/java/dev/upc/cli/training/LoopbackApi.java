package dev.upc.cli.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.upc.cli.client.ProtocolJson;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ClusterInfo;
import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.ErrorResponse;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.Identity;
import dev.upc.protocol.ImageInfo;
import dev.upc.protocol.ImageList;
import dev.upc.protocol.ImageReference;
import dev.upc.protocol.InputUploadRequest;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventList;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobList;
import dev.upc.protocol.JobLogEntry;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.UploadGrant;
import dev.upc.protocol.UserInfo;
import dev.upc.protocol.UserList;
import dev.upc.protocol.UserRequest;
import dev.upc.protocol.UserToken;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerList;
import dev.upc.protocol.WorkerRegistration;
import dev.upc.protocol.WorkerStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback stand-in for a UPC cluster (scheduler, registry and store on one port) that answers the API with a few
 * plausible records built from the protocol classes. It trains the AOT cache on the real client and rendering code
 * paths, and serves start-up measurements; it is not a scheduler: submissions are stored, nothing runs.
 */
public final class LoopbackApi implements AutoCloseable {

    private static final ObjectMapper JSON = ProtocolJson.MAPPER;

    private final HttpServer server;
    private final Instant now = Instant.now();
    private final List<JobInfo> jobs = new CopyOnWriteArrayList<>();
    private final List<WorkerInfo> workers = new CopyOnWriteArrayList<>();

    private LoopbackApi(HttpServer server) {
        this.server = server;
        jobs.addAll(sampleJobs());
        workers.addAll(sampleWorkers());
        server.createContext("/", this::handle);
    }

    /** Listens on 127.0.0.1 at {@code port} (0 = any free one). */
    public static LoopbackApi start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        LoopbackApi api = new LoopbackApi(server);
        server.start();
        return api;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String[] at = path.substring(1).split("/");
            route(exchange, method, path, at);
        } catch (RuntimeException e) {
            send(exchange, 500, ErrorResponse.of(500, "internal", e.toString()));
        }
    }

    private void route(HttpExchange exchange, String method, String path, String[] at) throws IOException {
        String query = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
        String route = path.replaceFirst("^/api/v1/blobs/[^/]+/[^/]+$", "/api/v1/blobs/_/_")
                .replaceFirst("^/api/v1/(jobs|workers|users)/[^/]+", "/api/v1/$1/_");
        switch (method + " " + route) {
            case "GET /api/v1/whoami" -> send(exchange, 200, new Identity("alice", "user", List.of("user"),
                    now.plus(Duration.ofDays(29))));
            case "GET /api/v1/cluster" -> send(exchange, 200, new ClusterInfo("training", null, null));
            case "GET /api/v1/jobs" -> send(exchange, 200, page(query));
            case "POST /api/v1/jobs" -> {
                JobSubmission submission = read(exchange, JobSubmission.class);
                JobInfo job = new JobInfo("j" + (jobs.size() + 1), JobState.QUEUED, 0, null, submission, now, now,
                        null, null, 0, null, 0.0, null, null, "alice", "no online PC has 4 free cores", false, null);
                jobs.add(0, job);
                send(exchange, 201, job);
            }
            case "GET /api/v1/jobs/_" -> withJob(exchange, at[3], job -> send(exchange, 200, job));
            case "DELETE /api/v1/jobs/_" -> withJob(exchange, at[3], job -> send(exchange, 200,
                    withState(job, JobState.CANCELLED)));
            case "POST /api/v1/jobs/_/migrate" -> withJob(exchange, at[3], job -> send(exchange, 200,
                    withState(job, JobState.MIGRATING)));
            case "GET /api/v1/jobs/_/events" -> withJob(exchange, at[3], job -> send(exchange, 200,
                    new JobEventList(job.id(), events(job), null)));
            case "GET /api/v1/jobs/_/logs" -> withJob(exchange, at[3], job -> sendLines(exchange, logs(job)));
            case "GET /api/v1/jobs/_/output" -> withJob(exchange, at[3], job -> sendBytes(exchange,
                    "application/x-tar", new byte[10240]));
            case "POST /api/v1/inputs/uploads" -> {
                InputUploadRequest request = read(exchange, InputUploadRequest.class);
                send(exchange, 200, new UploadGrant(BlobKind.INPUTS, "alice-" + request.sha256(),
                        url() + "/api/v1/blobs/inputs/alice-" + request.sha256(), "grant", now.plusSeconds(900),
                        false));
            }
            case "POST /api/v1/images/uploads" -> {
                ImageReference image = read(exchange, ImageReference.class);
                send(exchange, 200, new UploadGrant(BlobKind.IMAGES, "image", url() + "/api/v1/blobs/images/image",
                        "grant", now.plusSeconds(900), false));
            }
            case "POST /api/v1/images" -> send(exchange, 201, sampleImage(read(exchange, ImageReference.class)
                    .reference()));
            case "GET /api/v1/images" -> send(exchange, 200, new ImageList(List.of(
                    sampleImage("localhost/alice/count:1"), sampleImage("localhost/alice/solver:2")), null));
            case "PUT /api/v1/blobs/_/_" -> {
                try (InputStream body = exchange.getRequestBody()) {
                    body.transferTo(OutputStream.nullOutputStream());
                }
                send(exchange, 201, Map.of("kind", at[3], "id", at[4]));
            }
            case "GET /api/v1/users" -> send(exchange, 200, new UserList(List.of(
                    new UserInfo("alice", now.minus(Duration.ofDays(12)), "admin", null),
                    new UserInfo("bob", now.minus(Duration.ofDays(40)), "admin", now.minus(Duration.ofDays(3)))),
                    null));
            case "POST /api/v1/users" -> send(exchange, 201, new UserToken(new UserInfo(read(exchange,
                    UserRequest.class).name(), now, "admin", null), "eyJ.training.token", now.plus(Duration.ofDays(30))));
            case "GET /api/v1/workers" -> send(exchange, 200, new WorkerList(workers, null));
            case "POST /api/v1/workers/_/drain", "POST /api/v1/workers/_/undrain" -> {
                WorkerInfo worker = workers.stream().filter(w -> w.workerId().equals(at[3])).findFirst()
                        .orElse(null);
                if (worker == null) {
                    send(exchange, 404, ErrorResponse.of(404, "worker_not_found", "no worker " + at[3]));
                } else {
                    send(exchange, 200, worker);
                }
            }
            default -> send(exchange, 404, ErrorResponse.of(404, "not_found", "no route " + method + " " + path));
        }
    }

    /** Jobs newest first, paged with the index of the next job as the cursor. */
    private JobList page(String query) {
        int limit = 100;
        int from = 0;
        for (String pair : query.split("&")) {
            if (pair.startsWith("limit=")) {
                limit = Integer.parseInt(pair.substring(6));
            } else if (pair.startsWith("cursor=")) {
                from = Integer.parseInt(pair.substring(7));
            }
        }
        int to = Math.min(jobs.size(), from + limit);
        return new JobList(jobs.subList(Math.min(from, to), to), to < jobs.size() ? String.valueOf(to) : null);
    }

    private interface JobAction {
        void on(JobInfo job) throws IOException;
    }

    private void withJob(HttpExchange exchange, String id, JobAction action) throws IOException {
        for (JobInfo job : jobs) {
            if (job.id().equals(id)) {
                action.on(job);
                return;
            }
        }
        send(exchange, 404, ErrorResponse.of(404, "job_not_found", "no job " + id));
    }

    private List<JobInfo> sampleJobs() {
        JobSubmission count = new JobSubmission("count", "localhost/alice/count:1", List.of("count", "100000"),
                Map.of("STEP", "1"), 1, 512L, 600.0, 300L, true, 3, "/job/out", List.of());
        JobSubmission solver = new JobSubmission("solver", "localhost/alice/solver:2", List.of("solver", "--size",
                "big input"), Map.of(), 4, 4096L, null, 0L, true, 3, null, List.of());
        return new ArrayList<>(List.of(
                new JobInfo("j4", JobState.QUEUED, 0, null, solver, now.minusSeconds(40), now.minusSeconds(40),
                        null, null, 0, null, 0.0, null, null, "alice", "no online PC has 4 free cores", false, null),
                new JobInfo("j3", JobState.RUNNING, 2, "w-2b7c", count, now.minusSeconds(700), now.minusSeconds(5),
                        now.minusSeconds(690), null, 0, null, 252.4, "j3-ckpt-2", "migrated from pc1", "alice", null,
                        false, "pc2"),
                new JobInfo("j2", JobState.MIGRATING, 1, "w-9d1e", count, now.minusSeconds(3600),
                        now.minusSeconds(2), now.minusSeconds(3500), null, 0, null, 1800.0, null, "owner is back",
                        "bob", null, false, "pc1"),
                new JobInfo("j1", JobState.SUCCEEDED, 1, null, count, now.minus(Duration.ofDays(2)),
                        now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)),
                        1, 0, 598.0, null, null, "alice", null, true, null)));
    }

    private List<JobEvent> events(JobInfo job) {
        Instant t = job.submittedAt();
        return List.of(
                new JobEvent(1, JobEventType.SUBMITTED, t, 0, null, Map.of()),
                new JobEvent(2, JobEventType.PLACED, t.plusSeconds(1), 1, "w-9d1e", Map.of("fromCheckpoint", false)),
                new JobEvent(3, JobEventType.STARTED, t.plusSeconds(3), 1, "w-9d1e", Map.of()),
                new JobEvent(4, JobEventType.CHECKPOINTED, t.plusSeconds(300), 1, "w-9d1e", Map.of("sizeBytes",
                        38_000_000L, "checkpointMillis", 850, "transferMillis", 420, "leaveRunning", true)),
                new JobEvent(5, JobEventType.MIGRATED, t.plusSeconds(400), 2, "w-2b7c", Map.of("from", "w-9d1e",
                        "to", "w-2b7c", "reason", "owner is back", "downtimeMillis", 2300, "sizeBytes", 41_000_000L)),
                new JobEvent(6, JobEventType.EXITED, t.plusSeconds(650), 2, "w-2b7c", Map.of("exitCode", 0,
                        "cpuSeconds", 598.0)));
    }

    private List<JobLogEntry> logs(JobInfo job) {
        Instant t = job.submittedAt();
        List<JobLogEntry> entries = new ArrayList<>();
        entries.add(new JobLogEntry(JobLogEntry.Type.EPOCH, 1, null, t, null, "started on pc1", "w-9d1e", 0L, null,
                null));
        for (long line = 1; line <= 40; line++) {
            entries.add(JobLogEntry.line(1, line, t.plusSeconds(line), "stdout", "count " + line, false));
        }
        entries.add(new JobLogEntry(JobLogEntry.Type.EPOCH, 2, null, t.plusSeconds(400), null, "migrated to pc2",
                "w-2b7c", 36L, 40L, null));
        for (long line = 37; line <= 60; line++) {
            entries.add(JobLogEntry.line(2, line, t.plusSeconds(400 + line), "stdout", "count " + line, line <= 40));
        }
        entries.add(JobLogEntry.note(2, "lines 61–64 are missing: pc2 vanished before sending them"));
        return entries;
    }

    private ImageInfo sampleImage(String reference) {
        return new ImageInfo(reference, "alice", "localhost_alice-" + Math.abs(reference.hashCode()), 187_000_000L,
                "0".repeat(64), now.minus(Duration.ofHours(5)));
    }

    private List<WorkerInfo> sampleWorkers() {
        List<WorkerInfo> list = new ArrayList<>();
        String[][] pcs = {{"w-9d1e", "pc1"}, {"w-2b7c", "pc2"}, {"w-55aa", "lab-3-pc17"}};
        for (int i = 0; i < pcs.length; i++) {
            WorkerRegistration registration = new WorkerRegistration("machine-" + i, pcs[i][1], "0.1.0", 8,
                    16_384L, 4, "Intel(R) Core(TM) i7", List.of("sse4_2", "avx2"), 1.0 + i * 0.25, "5.4.2", "4.1.1",
                    "runc", 2, "amd64", Map.of("room", "lab-3"), null);
            Heartbeat report = new Heartbeat(i == 1 ? OwnerState.ACTIVE : OwnerState.IDLE, false, 2.0, 8192L, 0.5,
                    i == 2 ? List.of() : List.of(new ContainerReport("j" + (3 - i), 2L, "running", 120.0, 300L)));
            list.add(new WorkerInfo(pcs[i][0], i == 2 ? WorkerStatus.SUSPECT : WorkerStatus.ONLINE,
                    i == 2 ? DesiredState.DRAIN : DesiredState.ACTIVE, now.minus(Duration.ofDays(20)),
                    now.minusSeconds(3 + 40L * i), registration, report));
        }
        return list;
    }

    private static JobInfo withState(JobInfo job, JobState state) {
        return new JobInfo(job.id(), state, job.epoch(), job.workerId(), job.submission(), job.submittedAt(),
                job.updatedAt(), job.startedAt(), job.finishedAt(), job.retries(), job.exitCode(), job.cpuSeconds(),
                job.checkpointBlobId(), job.reason(), job.owner(), job.waitingReason(), job.hasOutput(),
                job.workerName());
    }

    private static <T> T read(HttpExchange exchange, Class<T> type) throws IOException {
        try (InputStream body = exchange.getRequestBody()) {
            return JSON.readValue(body, type);
        }
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        sendBytes(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void sendLines(HttpExchange exchange, List<?> entries) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Object entry : entries) {
            lines.append(JSON.writeValueAsString(entry)).append('\n');
        }
        sendBytes(exchange, 200, "application/x-ndjson", lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void sendBytes(HttpExchange exchange, String type, byte[] body) throws IOException {
        sendBytes(exchange, 200, type, body);
    }

    private static void sendBytes(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
