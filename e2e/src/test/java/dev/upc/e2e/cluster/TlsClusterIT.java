package dev.upc.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.cli.client.UpcClient;
import dev.upc.agent.lifecycle.AgentStatus;
import dev.upc.e2e.agent.AgentProcess;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterOutput;
import dev.upc.e2e.pc.SimulatedPc;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ImageArchive;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.tls.TrustedCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The cluster on HTTPS only, as an operator turns it on ({@code UPC_TLS_CERT_FILE}, {@code UPC_TLS_KEY_FILE},
 * {@code UPC_TLS_CA_FILE}) with a CA of its own: the scheduler reaches the registry and the store over it, agents that
 * trust the CA ({@code upc.agent.ca-file}) run and migrate a job through the store over it, plain HTTP gets no
 * answer, and a client or an agent that does not trust the CA is refused at the handshake.
 */
class TlsClusterIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void jobsRunAndMigrateOverHttpsAndWhatDoesNotTrustTheCaIsRefused() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "tls-it")).toAbsolutePath();
        try (ServiceCluster cluster = ServiceCluster.builder().workDir(Files.createTempDirectory(work, "cluster-"))
                .tls(true).start();
             SimulatedPc pcA = SimulatedPc.start("tls-a");
             SimulatedPc pcB = SimulatedPc.start("tls-b");
             SimulatedPc pcC = SimulatedPc.start("tls-c")) {
            assertThat(List.of(cluster.registryUrl(), cluster.schedulerUrl(), cluster.storeUrl()))
                    .allSatisfy(url -> assertThat(url.getScheme()).isEqualTo("https"));
            UpcClient admin = cluster.admin();
            assertThat(admin.cluster().storeUrl()).startsWith("https://");

            URI plain = URI.create("http://127.0.0.1:" + cluster.registryUrl().getPort() + "/q/health/ready");
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(plain).build(),
                    HttpResponse.BodyHandlers.ofString())).as("plain HTTP on the HTTPS port").isInstanceOf(IOException.class);
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(cluster.schedulerUrl().resolve("/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString())).as("a client trusting only the JVM's CAs")
                    .isInstanceOf(SSLHandshakeException.class);

            HttpResponse<String> h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .sslContext(TrustedCertificates.context(cluster.caFile())).build()
                    .send(HttpRequest.newBuilder(cluster.schedulerUrl().resolve("/q/health/ready")).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(h2.statusCode()).isEqualTo(200);
            assertThat(h2.version()).as("HTTP/1.1 only, also over TLS").isEqualTo(HttpClient.Version.HTTP_1_1);

            CounterImage image = CounterImage.build(work);
            image.ensureOn(pcA.client());
            image.ensureOn(pcB.client());
            // Through the client library's blob upload, over HTTPS too.
            admin.putBlob(BlobKind.IMAGES, ImageArchive.blobId(CounterImage.REFERENCE), image.archive(pcA.client()));
            try (AgentProcess agentA = AgentProcess.start(cluster, pcA, 100, Map.of());
                 AgentProcess agentB = AgentProcess.start(cluster, pcB, 100, Map.of());
                 AgentProcess stranger = AgentProcess.start(cluster, pcC, 100,
                         Map.of("upc.agent.ca-file", ClusterTls.generate(work.resolve("other-ca")).caCertificate()
                                 .toString()))) {
                String workerA = agentA.awaitRegistered(Duration.ofSeconds(60)).workerId();
                String workerB = agentB.awaitRegistered(Duration.ofSeconds(60)).workerId();
                System.out.printf("TlsClusterIT: agents registered over HTTPS %d and %d ms after their start%n",
                        agentA.status().startToRegisteredMillis(), agentB.status().startToRegisteredMillis());

                JobInfo job = admin.submit(new JobSubmission("over-tls", CounterImage.REFERENCE, counter(40), Map.of(),
                        1, 128L, null, 0L, true, 0, null, null));
                JobInfo running = admin.awaitJob(job.id(), j -> j.state() == JobState.RUNNING || j.state().terminal(),
                        TIMEOUT);
                CounterOutput.awaitTick(admin, job.id(), 3, TIMEOUT);
                String to = running.workerId().equals(workerA) ? workerB : workerA;
                admin.migrate(job.id(), to);
                JobInfo done = admin.awaitJob(job.id(), j -> j.state().terminal(), TIMEOUT);

                assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
                assertThat(admin.events(job.id())).anySatisfy(e -> assertThat(e.type()).isEqualTo(JobEventType.MIGRATED));
                CounterOutput output = CounterOutput.ofJob(admin, job.id());
                assertThat(output.lastTick()).isEqualTo(40);
                assertThat(output.consecutive()).isTrue();
                assertThat(output.starts()).as("continued from its checkpoint, not started again").isEqualTo(1);

                AgentStatus refused = stranger.await(status -> status.lastError() != null, Duration.ofSeconds(30),
                        "the first registration of an agent that does not trust the CA");
                assertThat(refused.registered()).isFalse();
                assertThat(refused.lastError()).containsIgnoringCase("certificat");
            }
        }
    }

    private static List<String> counter(int ticks) {
        return List.of(CounterImage.PROGRAM, "--mem", "32", "--ticks", Integer.toString(ticks), "--interval-ms",
                "200");
    }
}
