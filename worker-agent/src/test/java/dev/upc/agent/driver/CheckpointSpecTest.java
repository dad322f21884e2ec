package dev.upc.agent.driver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.json.JsonText;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CheckpointSpecTest {

    @Test
    void theTargetsQuotaReplacesTheSourcesAndEverythingElseStays() {
        String spec = """
                {"ociVersion":"1.0.2-dev","process":{"args":["/usr/local/bin/upc-counter"],"env":["A=\\u003cb\\u003e"]},
                 "linux":{"resources":{"memory":{"limit":9223372036854771712,"swap":-1},
                 "cpu":{"quota":10000,"period":100000,"shares":1024}},"namespaces":[{"type":"pid"}]}}""";

        Map<String, Object> out = parse(CheckpointSpec.withLimits(bytes(spec), 80000, 100000, 1024).orElseThrow());

        Map<String, Object> linux = (Map<String, Object>) out.get("linux");
        Map<String, Object> resources = (Map<String, Object>) linux.get("resources");
        assertThat((Map<String, Object>) resources.get("cpu")).containsEntry("quota", 80000L).containsEntry("period", 100000L)
                .containsEntry("shares", 1024L);
        assertThat((Map<String, Object>) resources.get("pids")).containsEntry("limit", 1024L);
        assertThat((Map<String, Object>) resources.get("memory")).containsEntry("limit", 9223372036854771712L)
                .containsEntry("swap", -1L);
        assertThat(out.get("process")).isEqualTo(parse(bytes(spec)).get("process"));
        assertThat(linux.get("namespaces")).isEqualTo(((Map<String, Object>) parse(bytes(spec)).get("linux")).get("namespaces"));
    }

    @Test
    void aSpecWithoutResourcesGetsThem() {
        Map<String, Object> out = parse(CheckpointSpec.withLimits(bytes("{\"linux\":{}}"), 20000, 100000, 64)
                .orElseThrow());

        assertThat(out).isEqualTo(Map.of("linux", Map.of("resources", Map.of("cpu",
                Map.of("quota", 20000L, "period", 100000L), "pids", Map.of("limit", 64L)))));
    }

    @Test
    void theTargetsCgroupParentReplacesTheSourcesAndItsPidFilesAreLeftToPodman() {
        String config = """
                {"id":"4f2a","name":"upc-job-1-1","cgroupParent":"/upc/upc-job-1-1","cgroupManager":"cgroupfs",
                 "conmonPidFile":"/run/pc-a/overlay-containers/4f2a/userdata/conmon.pid",
                 "pid_file":"/run/pc-a/overlay-containers/4f2a/userdata/pidfile",
                 "mounts":["/var/lib/pc-a/overlay-containers/4f2a/userdata/shm"],
                 "createdTime":"2026-12-05T17:00:00.123456789Z","stopTimeout":10,"idMappingsOptions":{"AutoUserNs":false}}""";

        Map<String, Object> out = parse(CheckpointSpec.forTarget(bytes(config), Optional.of("/upc/upc-job-1-2"))
                .orElseThrow());

        Map<String, Object> expected = parse(bytes(config));
        expected.put("cgroupParent", "/upc/upc-job-1-2");
        expected.remove("conmonPidFile");
        expected.remove("pid_file");
        expected.remove("mounts");
        assertThat(out).isEqualTo(expected);
        assertThat(parse(CheckpointSpec.forTarget(bytes("{\"name\":\"x\"}"), Optional.of("/upc/x")).orElseThrow()))
                .as("names no parent: none is added").isEqualTo(Map.of("name", "x"));
        assertThat(CheckpointSpec.forTarget(bytes("[1]"), Optional.of("/upc/x"))).isEmpty();
        assertThat(CheckpointSpec.forTarget(bytes("{\"cgroupParent\":\"/a\",\"f\":0.5}"), Optional.empty()))
                .as("a fraction would not survive exactly").isEmpty();
    }

    @Test
    void whatCannotBeRewrittenExactlyIsLeftAsItWas() {
        assertThat(CheckpointSpec.withLimits(bytes("not json"), 1, 1, 1)).isEmpty();
        assertThat(CheckpointSpec.withLimits(bytes("[1]"), 1, 1, 1)).isEmpty();
        assertThat(CheckpointSpec.withLimits(bytes("{\"process\":{}}"), 1, 1, 1)).as("no linux section").isEmpty();
        assertThat(CheckpointSpec.withLimits(bytes("{\"linux\":{\"x\":18446744073709551615}}"), 1, 1, 1))
                .as("beyond a long: would not survive").isEmpty();
        assertThat(CheckpointSpec.withLimits(bytes("{\"linux\":{\"x\":0.5}}"), 1, 1, 1)).isEmpty();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(byte[] json) {
        return (Map<String, Object>) JsonText.parse(new String(json, StandardCharsets.UTF_8));
    }
}
