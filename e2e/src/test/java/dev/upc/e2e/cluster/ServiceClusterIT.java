package dev.upc.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.e2e.cluster.ServiceCluster.Service;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.HeartbeatReply;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.Tokens.Issuer;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerRegistered;
import dev.upc.protocol.WorkerStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fixture against the real services: one cluster for the class, a worker that speaks the protocol by hand
 * ({@link ScriptedWorker}), an admin through {@link AdminClient}. The scheduler restart comes last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceClusterIT {

    private static final Duration PLACEMENT = Duration.ofSeconds(15);

    private static ServiceCluster cluster;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startCluster() {
        cluster = ServiceCluster.start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            if (!Boolean.getBoolean("upc.cluster.keep-work-dir")) {
                assertThat(cluster.workDir()).doesNotExist();
            }
        }
    }

    @Test
    @Order(1)
    void allThreeServicesAreReadyOnTheirOwnPorts() throws Exception {
        List<URI> urls = List.of(cluster.registryUrl(), cluster.schedulerUrl(), cluster.storeUrl());
        assertThat(urls).doesNotHaveDuplicates();
        for (URI url : urls) {
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(url.resolve("/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as(url + " ready").isEqualTo(200);
        }
        assertThat(cluster.keys().jwks()).content().contains("\"kid\":\"admin:", "\"kid\":\"registry:",
                "\"kid\":\"scheduler:");
        for (Service service : Service.values()) {
            assertThat(cluster.logFile(service)).isRegularFile().startsWith(cluster.workDir());
        }
    }

    @Test
    @Order(2)
    void aWrongJoinTokenIsRefused() throws Exception {
        HttpResponse<String> refused = ScriptedWorker.postRegistration(cluster.registryUrl(), "not-the-join-token",
                ScriptedWorker.registration("refused-pc"));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("\"status\":401");
    }

    /**
     * Each service signs with a key of its own, and each key is good only for its issuer's kinds: holding the
     * registry's key or the scheduler's, one cannot mint an admin token, nor the other's tokens. Its own kind passes.
     */
    @Test
    @Order(3)
    void aKeyMintsOnlyItsIssuersKindsOfToken() throws Exception {
        ClusterKeys keys = cluster.keys();
        Duration ttl = Duration.ofMinutes(5);
        var admin = java.util.Map.<String, Object>of("groups", List.of("admin"));
        var user = java.util.Map.<String, Object>of("groups", List.of("user"));
        var worker = java.util.Map.<String, Object>of("groups", List.of("worker"));

        assertThat(get(cluster.registryUrl(), "/api/v1/workers", keys.sign(Issuer.ADMIN, "op", ttl, admin)))
                .as("the admin key's admin token").isEqualTo(200);
        for (Issuer wrong : List.of(Issuer.REGISTRY, Issuer.SCHEDULER)) {
            HttpResponse<String> forged = send(cluster.storeUrl(), "/api/v1/blobs/outputs",
                    keys.sign(wrong, "mallory", ttl, admin));
            assertThat(forged.statusCode()).as("an admin token of the " + wrong.label() + "'s key").isEqualTo(401);
            assertThat(forged.body()).contains("invalid_token").contains("must be signed by the admin's key");
        }
        var workerAndAdmin = java.util.Map.<String, Object>of("groups", List.of("worker", "admin"));
        assertThat(get(cluster.storeUrl(), "/api/v1/blobs/outputs",
                keys.sign(Issuer.REGISTRY, "w0000000000000", ttl, workerAndAdmin)))
                .as("the registry's key passing off admin beside worker").isEqualTo(401);
        assertThat(get(cluster.schedulerUrl(), "/api/v1/jobs", keys.sign(Issuer.REGISTRY, "alice", ttl, user)))
                .as("a user token of the registry's key").isEqualTo(401);
        assertThat(get(cluster.registryUrl(), "/api/v1/workers/w0000000000000",
                keys.sign(Issuer.SCHEDULER, "w0000000000000", ttl, worker)))
                .as("a worker token of the scheduler's key").isEqualTo(401);
    }

    private static int get(URI base, String path, String token) throws Exception {
        return send(base, path, token).statusCode();
    }

    private static HttpResponse<String> send(URI base, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(3)
    void aBlobMakesTheRoundTripWithTheAdminToken() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(content);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));

        java.nio.file.Path file = java.nio.file.Files.createTempFile("cluster-it-", ".bin");
        java.nio.file.Files.write(file, content);
        BlobInfo stored = cluster.admin().putBlob(BlobKind.OUTPUTS, "cluster-it-1", file);
        java.nio.file.Files.delete(file);
        ByteArrayOutputStream back = new ByteArrayOutputStream();
        long size = cluster.admin().getBlob(BlobKind.OUTPUTS, "cluster-it-1", back);

        assertThat(stored.size()).isEqualTo(content.length);
        assertThat(stored.sha256()).isEqualTo(sha256);
        assertThat(size).isEqualTo(content.length);
        assertThat(back.toByteArray()).isEqualTo(content);
        assertThatThrownBy(() -> cluster.admin().getBlob(BlobKind.OUTPUTS, "cluster-it-absent", back))
                .isInstanceOfSatisfying(dev.upc.cli.client.UpcApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    @Order(4)
    void aRegisteredWorkerGetsTheRunOfASubmittedJobAndTheJobSurvivesASchedulerRestart() throws Exception {
        try (ScriptedWorker worker = ScriptedWorker.register(cluster.registryUrl(), cluster.schedulerUrl(),
                cluster.joinToken(), "cluster-it-pc")) {
            WorkerRegistered registered = worker.registered();
            assertThat(registered.workerToken()).isNotBlank();
            assertThat(registered.heartbeatIntervalSeconds()).isEqualTo(1);
            HeartbeatReply reply = worker.heartbeat(idle());
            assertThat(reply.desiredState()).isEqualTo(DesiredState.ACTIVE);
            worker.keepHeartbeating(idle());
            WorkerInfo seen = cluster.admin().workers().stream()
                    .filter(w -> w.workerId().equals(registered.workerId())).findFirst().orElseThrow();
            assertThat(seen.status()).isEqualTo(WorkerStatus.ONLINE);

            // A job's image must be in the store before it is submitted (a made-up one is enough for a scripted PC).
            java.nio.file.Path standIn = java.nio.file.Files.createTempFile("stand-in-image-", ".tar");
            cluster.admin().putBlob(dev.upc.protocol.BlobKind.IMAGES,
                    dev.upc.protocol.ImageArchive.blobId("localhost/upc/count:1"), standIn);
            java.nio.file.Files.delete(standIn);
            JobInfo submitted = cluster.admin().submit(new JobSubmission("cluster-it-job", "localhost/upc/count:1",
                    List.of("/count", "100"), null, 1, 64L, 30.0, null, null, null, null, null));
            assertThat(cluster.admin().job(submitted.id()).state()).isIn(JobState.QUEUED, JobState.PLACED);

            AgentCommand run = worker.awaitCommand(AgentCommandType.RUN, submitted.id(), PLACEMENT);
            assertThat(run.containerName()).isEqualTo(AgentCommand.containerName(submitted.id(), run.epoch()));
            JobInfo placed = cluster.admin().awaitJob(submitted.id(), j -> j.state() == JobState.PLACED, PLACEMENT);
            assertThat(placed.workerId()).isEqualTo(registered.workerId());
            assertThat(cluster.admin().events(submitted.id())).isNotEmpty();

            cluster.restartScheduler();

            JobInfo afterRestart = cluster.admin().job(submitted.id());
            assertThat(afterRestart.state()).isEqualTo(JobState.PLACED);
            assertThat(afterRestart.epoch()).isEqualTo(placed.epoch());
            assertThat(afterRestart.workerId()).isEqualTo(registered.workerId());
            // Not acknowledged yet, so the new scheduler process delivers the same RUN again.
            AgentCommand again = worker.awaitCommand(AgentCommandType.RUN, submitted.id(), PLACEMENT);
            assertThat(again.commandId()).isEqualTo(run.commandId());
        }
    }

    private static Heartbeat idle() {
        return new Heartbeat(OwnerState.IDLE, false, 2.0, 4096L, 0.1, List.of());
    }
}
