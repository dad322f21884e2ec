package dev.upc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.e2e.job.RepoFiles;
import dev.upc.e2e.pc.SimulatedPc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The packaged agent refuses bad settings at start with one clear message and a distinct exit code. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentConfigIT {

    private static final Path JAR = RepoFiles.find("worker-agent/target/quarkus-app/quarkus-run.jar");

    @TempDir
    Path dir;
    private SimulatedPc pc;

    @BeforeAll
    void startPc() {
        pc = SimulatedPc.start("cfg");
    }

    @AfterAll
    void stopPc() {
        pc.close();
    }

    @Test
    void missingAndMalformedSettingsAreListedTogether() throws Exception {
        Result result = agent(Map.of("upc.agent.scheduler-url", "ftp://nowhere", "upc.agent.job-cpus", "999"), "run");

        assertThat(result.exitCode()).isEqualTo(78);
        assertThat(result.output())
                .contains("bad configuration")
                .contains("upc.agent.registry-url is missing")
                .contains("upc.agent.scheduler-url must be an http:// or https:// URL")
                .contains("upc.agent.job-cpus must be between 1 and")
                .contains("cannot read the join token from");
    }

    @Test
    void aMissingPodmanSocketNamesTheCure() throws Exception {
        Result result = agent(valid(Map.of("upc.agent.podman-socket", dir.resolve("no.sock").toString())), "check");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).contains("the libpod socket " + dir.resolve("no.sock") + " does not exist")
                .contains("podman.socket");
    }

    @Test
    void aMissingCriuIsRefused() throws Exception {
        Result result = agent(valid(Map.of("upc.agent.criu", "/nonexistent/criu")), "check");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).containsIgnoringCase("criu").contains("/nonexistent/criu");
    }

    @Test
    void aGoodConfigurationPassesTheCheck() throws Exception {
        Result result = agent(valid(Map.of()), "check");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("configuration fine").contains("passes `criu check`");
    }

    @Test
    void anUnknownCommandShowsTheUsage() throws Exception {
        Result result = agent(valid(Map.of()), "frobnicate");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("usage: upc-agent");
    }

    private Map<String, String> valid(Map<String, String> overrides) throws IOException {
        Path token = dir.resolve("join-token");
        Files.writeString(token, "secret\n");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("upc.agent.registry-url", "http://127.0.0.1:9");
        settings.put("upc.agent.scheduler-url", "http://127.0.0.1:9");
        settings.put("upc.agent.store-url", "http://127.0.0.1:9");
        settings.put("upc.agent.join-token-file", token.toString());
        settings.put("upc.agent.podman-socket", pc.socket().toString());
        settings.put("upc.agent.state-dir", dir.resolve("state").toString());
        settings.put("upc.agent.local-port", "0");
        settings.putAll(overrides);
        return settings;
    }

    private record Result(int exitCode, String output) {
    }

    private Result agent(Map<String, String> settings, String command) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx64m"));
        settings.forEach((k, v) -> argv.add("-D" + k + "=" + v));
        argv.addAll(List.of("-Dupc.agent.join-token-file=" + settings.getOrDefault("upc.agent.join-token-file",
                dir.resolve("absent").toString()), "-jar", JAR.toAbsolutePath().toString(), command));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
