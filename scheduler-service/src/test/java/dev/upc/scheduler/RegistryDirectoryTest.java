package dev.upc.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.upc.protocol.DesiredState;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.client.RegistryUnavailableException;
import dev.upc.scheduler.client.RegistryWorkerDirectory;
import dev.upc.scheduler.client.WorkerDirectory;
import dev.upc.scheduler.learning.Learned;
import dev.upc.scheduler.snapshot.Snapshots;
import dev.upc.scheduler.policy.HostFacts;
import dev.upc.scheduler.policy.WorkerView;
import dev.upc.scheduler.testing.RegistryProcessResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real registry client against the real, packaged registry (its own process, database and the cluster key pair
 * shared with this scheduler): workers registered, heartbeated and drained over HTTP come back through
 * {@link RegistryWorkerDirectory} as the policy's {@link WorkerView}s; with the registry gone the directory fails
 * with a {@link RegistryUnavailableException} and readiness reports the registry DOWN.
 */
@QuarkusTest
@TestProfile(RegistryDirectoryTest.RealRegistry.class)
@WithTestResource(RegistryProcessResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryDirectoryTest {

    /** Without the tests' fixed list of workers, so the application's directory is the registry client. */
    public static class RealRegistry implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.arc.exclude-types", "dev.upc.scheduler.testing.FixedWorkerDirectory");
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    WorkerDirectory directory;

    @Test
    @Order(1)
    void mapsRegisteredHeartbeatedAndDrainedWorkersToThePolicysView() {
        assertThat(directory).isInstanceOf(RegistryWorkerDirectory.class);

        JsonPath fastReply = register(registration("it-fast", 16, 6, 1.75, "amd64",
                List.of("sse4_2", "avx2", "avx512f"), "crun", "4.1.1"));
        String fast = fastReply.getString("workerId");
        String fastToken = fastReply.getString("workerToken");
        String slow = register(registration("it-slow", 4, 2, 0.8, "arm64", List.of("neon", "asimd"), "runc", "3.19"))
                .getString("workerId");
        String plain = register(registration("it-bare", 2, 1, 1.0, null, null, null, null)).getString("workerId");

        // The fast PC's owner sits down; the slow one is drained by an admin.
        given().baseUri(RegistryProcessResource.base().toString()).auth().oauth2(fastToken)
                .contentType(ContentType.JSON)
                .body(Map.of("ownerState", "ACTIVE", "freeCpus", 6.0, "freeMemoryMiB", 30000, "load", 0.4))
                .put("/api/v1/workers/{id}/heartbeat", fast).then().statusCode(200);
        given().baseUri(RegistryProcessResource.base().toString())
                .auth().oauth2(RegistryProcessResource.adminToken())
                .post("/api/v1/workers/{id}/drain", slow).then().statusCode(200);

        List<WorkerInfo> infos = directory.workers().await().atMost(WAIT);
        Map<String, WorkerInfo> byId = infos.stream().collect(Collectors.toMap(WorkerInfo::workerId, Function.identity()));
        assertThat(byId.keySet()).containsExactlyInAnyOrder(fast, slow, plain);
        assertThat(byId.get(fast).registration().cores()).isEqualTo(16);
        assertThat(byId.get(fast).latestReport().ownerState()).isEqualTo(OwnerState.ACTIVE);
        assertThat(byId.get(fast).desiredState()).isEqualTo(DesiredState.ACTIVE);
        assertThat(byId.get(slow).registration().cores()).isEqualTo(4);
        assertThat(byId.get(slow).desiredState()).isEqualTo(DesiredState.DRAIN);
        assertThat(byId.get(slow).latestReport()).isNull();
        assertThat(infos).extracting(WorkerInfo::status).containsOnly(WorkerStatus.ONLINE);

        Map<String, WorkerView> views = infos.stream().map(info -> Snapshots.worker(info, Learned.NOTHING))
                .collect(Collectors.toMap(WorkerView::id, Function.identity()));
        assertThat(views.get(fast)).isEqualTo(new WorkerView(fast, WorkerView.Liveness.ONLINE, true, false, 1.75, 6, 24_576L,
                new HostFacts("amd64", Set.of("sse4_2", "avx2", "avx512f"), "crun", "4.1.1")));
        assertThat(views.get(slow)).isEqualTo(new WorkerView(slow, WorkerView.Liveness.ONLINE, false, true, 0.8, 2, 24_576L,
                new HostFacts("arm64", Set.of("neon", "asimd"), "runc", "3.19")));
        // Facts a PC did not report: nothing restores there from a PC that did. Lent memory: 3/4 of the PC's.
        assertThat(views.get(plain)).isEqualTo(new WorkerView(plain, WorkerView.Liveness.ONLINE, false, false, 1.0, 1, 24_576L,
                new HostFacts("unknown", Set.of(), "unknown", "0")));
        assertThat(views.get(fast).accepting()).isFalse();
        assertThat(views.get(slow).accepting()).isFalse();
        assertThat(views.get(plain).accepting()).isTrue();
        assertThat(views.get(slow).facts().canRestoreFrom(views.get(fast).facts())).isFalse();

        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'registry' }.status", equalTo("UP"));
    }

    @Test
    @Order(2)
    void registryDownIsATypedFailureAndNotReady() {
        RegistryProcessResource.stopRegistry();

        assertThatThrownBy(() -> directory.workers().await().atMost(WAIT))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("the worker registry at " + RegistryProcessResource.base())
                .hasMessageContaining("cannot be reached");

        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"))
                .body("checks.name", hasItem("registry"))
                .body("checks.find { it.name == 'registry' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'registry' }.data.error",
                        org.hamcrest.Matchers.containsString("cannot be reached"));
        given().get("/q/health/live").then().statusCode(200);
    }

    private static Map<String, Object> registration(String machineId, int cores, int jobCpus, double score,
                                                    String arch, List<String> flags, String runtime, String criu) {
        Map<String, Object> body = new HashMap<>();
        body.put("machineId", machineId);
        body.put("hostname", machineId + ".lab");
        body.put("agentVersion", "0.1.0");
        body.put("cores", cores);
        body.put("memoryMiB", 32768);
        body.put("jobCpus", jobCpus);
        body.put("benchmarkScore", score);
        if (arch != null) {
            body.put("arch", arch);
            body.put("cpuModel", "IT CPU " + machineId);
            body.put("cpuFlags", flags);
            body.put("ociRuntime", runtime);
            body.put("criuVersion", criu);
            body.put("podmanVersion", "5.2.0");
            body.put("cgroupVersion", 2);
        }
        return body;
    }

    private static JsonPath register(Map<String, Object> body) {
        return given().baseUri(RegistryProcessResource.base().toString())
                .auth().oauth2(RegistryProcessResource.JOIN_TOKEN).contentType(ContentType.JSON).body(body)
                .post("/api/v1/workers").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201))
                .extract().jsonPath();
    }
}
