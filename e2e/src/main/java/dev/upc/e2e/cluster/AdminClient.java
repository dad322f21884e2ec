package dev.upc.e2e.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.upc.protocol.ApiPaths;
import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ErrorResponse;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventList;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerList;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The admin's typed view of a {@link ServiceCluster}: jobs on the scheduler, workers on the registry and blobs in the
 * store, all with the cluster's admin token. Small JSON calls go through the JDK HttpClient; blob bodies through
 * HttpURLConnection with fixed-length streaming (the JDK HttpClient uploads an InputStream at only a few MiB/s).
 * Every error status becomes an {@link ApiException}.
 */
public final class AdminClient {

    /** The mapper for protocol records: ISO instants; tolerant of fields a newer service may add. */
    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int BUFFER = 256 * 1024;

    private final URI registry;
    private final URI scheduler;
    private final URI store;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public AdminClient(URI registry, URI scheduler, URI store, String adminToken) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.store = store;
        this.token = adminToken;
    }

    public JobInfo submitJob(JobSubmission submission) {
        return send(post(scheduler, ApiPaths.JOBS, submission), JobInfo.class);
    }

    public JobInfo job(String jobId) {
        return send(get(scheduler, path(ApiPaths.JOB, "jobId", jobId)), JobInfo.class);
    }

    /** The job's history, oldest first. */
    public List<JobEvent> jobEvents(String jobId) {
        return send(get(scheduler, path(ApiPaths.JOB_EVENTS, "jobId", jobId)), JobEventList.class).events();
    }

    public WorkerList workers() {
        return send(get(registry, ApiPaths.WORKERS), WorkerList.class);
    }

    public WorkerInfo drain(String workerId) {
        return send(request(registry, path(ApiPaths.WORKER_DRAIN, "workerId", workerId))
                .POST(HttpRequest.BodyPublishers.noBody()), WorkerInfo.class);
    }

    /**
     * Polls the job every 200 ms until {@code condition} holds.
     *
     * @throws IllegalStateException after {@code timeout}, with the job's last state and its history
     */
    public JobInfo awaitJob(String jobId, Predicate<JobInfo> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JobInfo job = job(jobId);
            if (condition.test(job)) {
                return job;
            }
            if (System.nanoTime() > deadline) {
                String history = jobEvents(jobId).stream()
                        .map(e -> "  " + e.at() + " " + e.type() + " epoch " + e.epoch()
                                + (e.workerId() == null ? "" : " on " + e.workerId())
                                + (e.details().isEmpty() ? "" : " " + e.details()))
                        .collect(Collectors.joining("\n"));
                throw new IllegalStateException("job " + jobId + " did not get there within " + timeout.toSeconds()
                        + " s; it is " + job.state() + " (epoch " + job.epoch() + ", worker " + job.workerId()
                        + ", reason " + job.reason() + "), history:\n" + history);
            }
            sleep(POLL);
        }
    }

    public BlobInfo putBlob(BlobKind kind, String id, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return putBlob(kind, id, in, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Streams exactly {@code size} bytes of {@code body} to the store. */
    public BlobInfo putBlob(BlobKind kind, String id, InputStream body, long size) {
        HttpURLConnection connection = open(kind, id, "PUT");
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(size);
        connection.setRequestProperty("Content-Type", "application/octet-stream");
        try {
            try (OutputStream out = connection.getOutputStream()) {
                long copied = copy(body, out, size);
                if (copied != size) {
                    throw new IllegalArgumentException("the body of " + kind.pathSegment() + "/" + id + " has "
                            + copied + " bytes, not the " + size + " given");
                }
            }
            int status = connection.getResponseCode();
            if (status != 200 && status != 201) {
                throw error("PUT " + connection.getURL(), status, readAll(connection.getErrorStream()));
            }
            return JSON.readValue(readAll(connection.getInputStream()), BlobInfo.class);
        } catch (IOException e) {
            throw new UncheckedIOException("PUT " + connection.getURL() + " failed", e);
        } finally {
            connection.disconnect();
        }
    }

    /** Streams the blob into {@code out}; returns its size. */
    public long getBlob(BlobKind kind, String id, OutputStream out) {
        HttpURLConnection connection = open(kind, id, "GET");
        try {
            int status = connection.getResponseCode();
            if (status != 200) {
                throw error("GET " + connection.getURL(), status, readAll(connection.getErrorStream()));
            }
            try (InputStream in = connection.getInputStream()) {
                return copy(in, out, Long.MAX_VALUE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + connection.getURL() + " failed", e);
        } finally {
            connection.disconnect();
        }
    }

    private HttpURLConnection open(BlobKind kind, String id, String method) {
        URI uri = store.resolve(ApiPaths.BLOBS.replace("{kind}", kind.pathSegment()) + "/"
                + URLEncoder.encode(id, StandardCharsets.UTF_8));
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setRequestMethod(method);
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
            connection.setRequestProperty("Authorization", "Bearer " + token);
            return connection;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + uri, e);
        }
    }

    private HttpRequest.Builder get(URI base, String path) {
        return request(base, path).GET();
    }

    private HttpRequest.Builder post(URI base, String path, Object body) {
        try {
            return request(base, path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON body: " + body, e);
        }
    }

    private HttpRequest.Builder request(URI base, String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    }

    private <T> T send(HttpRequest.Builder builder, Class<T> type) {
        HttpRequest request = builder.build();
        String what = request.method() + " " + request.uri();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 != 2) {
                throw error(what, response.statusCode(), response.body());
            }
            return JSON.readValue(response.body(), type);
        } catch (IOException e) {
            throw new UncheckedIOException(what + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        }
    }

    static ApiException error(String what, int status, byte[] body) {
        ErrorResponse error = null;
        try {
            error = body.length == 0 ? null : JSON.readValue(body, ErrorResponse.class);
        } catch (IOException notAnErrorResponse) {
            // keep the raw body in the message
        }
        return new ApiException(what, status, error, new String(body, StandardCharsets.UTF_8));
    }

    private static String path(String template, String name, String value) {
        return template.replace("{" + name + "}", URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    private static long copy(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long copied = 0;
        int n;
        while (copied < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied))) > 0) {
            out.write(buffer, 0, n);
            copied += n;
        }
        return copied;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        if (in == null) {
            return new byte[0];
        }
        try (in) {
            return in.readAllBytes();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
