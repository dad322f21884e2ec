package dev.upc.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.agent.libpod.UserNamespace;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSettingsTest {

    @TempDir
    Path dir;

    private Config valid() throws IOException {
        Path token = dir.resolve("join-token");
        Files.writeString(token, "s3cret\n");
        return new Config(URI.create("http://registry:8081/"), URI.create("http://scheduler:8082"),
                URI.create("https://store:8083"), null, token, OptionalInt.empty(), 100, OptionalLong.empty(), 7787,
                Duration.ofSeconds(25));
    }

    @Test
    void aValidConfigurationIsTakenWithDefaultsFromThePc() throws IOException {
        AgentSettings settings = AgentSettings.validate(valid(), 8, 16_000, "pc-17.lab");

        assertThat(settings.registryUrl()).hasToString("http://registry:8081"); // trailing slash dropped
        assertThat(settings.joinToken()).isEqualTo("s3cret");
        assertThat(settings.jobCpus()).isEqualTo(8);
        assertThat(settings.jobMemoryMiB()).isEqualTo(12_000);
        assertThat(settings.jobCpuShare()).isEqualTo(8.0);
        assertThat(settings.name()).isEqualTo("pc-17.lab");
    }

    @Test
    void theNameSettingWinsOverTheHostname() throws IOException {
        Config config = valid().withName(" sim-pc-2 ");

        assertThat(AgentSettings.validate(config, 2, 4096, "lab-host").name()).isEqualTo("sim-pc-2");
    }

    @Test
    void aBadNameIsReportedWithTheSetting() throws IOException {
        assertThatThrownBy(() -> AgentSettings.validate(valid().withName("pc 3/b"), 2, 4096, "lab-host"))
                .isInstanceOf(AgentConfigException.class)
                .hasMessageContaining("upc.agent.name must be 1 to 253 letters, digits or ._- characters, was 'pc 3/b'");
        assertThatThrownBy(() -> AgentSettings.validate(valid().withName("p".repeat(254)), 2, 4096, "lab-host"))
                .hasMessageContaining("upc.agent.name must be 1 to 253");
    }

    @Test
    void aHostnameThatCannotNameThePcAsksForTheSetting() throws IOException {
        assertThatThrownBy(() -> AgentSettings.validate(valid(), 2, 4096, "host_with:colon"))
                .hasMessageContaining("this host's name 'host_with:colon' cannot name the PC")
                .hasMessageContaining("set upc.agent.name");
    }

    @Test
    void everyProblemIsReportedAtOnceWithTheSettingsName() throws IOException {
        Config bad = new Config(null, URI.create("ftp://scheduler"), URI.create("store-without-scheme"), null,
                dir.resolve("missing-token"), OptionalInt.of(9), 0, OptionalLong.of(10), 70000, Duration.ofMinutes(5));

        assertThatThrownBy(() -> AgentSettings.validate(bad, 8, 16_000, "pc-17.lab"))
                .isInstanceOf(AgentConfigException.class)
                .satisfies(e -> assertThat(((AgentConfigException) e).problems()).hasSize(9))
                .hasMessageContaining("upc.agent.registry-url is missing")
                .hasMessageContaining("upc.agent.scheduler-url must be an http:// or https:// URL")
                .hasMessageContaining("upc.agent.store-url must be an http:// or https:// URL")
                .hasMessageContaining("cannot read the join token from " + dir.resolve("missing-token"))
                .hasMessageContaining("upc.agent.job-cpus must be between 1 and the 8 cores")
                .hasMessageContaining("upc.agent.cpu-limit-percent must be between 1 and 100")
                .hasMessageContaining("upc.agent.job-memory-mib must be between 64")
                .hasMessageContaining("upc.agent.local-port")
                .hasMessageContaining("upc.agent.poll-wait");
    }

    @Test
    void anEmptyTokenFileIsAnError() throws IOException {
        Config config = valid();
        Files.writeString(config.joinTokenFile(), "  \n");

        assertThatThrownBy(() -> AgentSettings.validate(config, 2, 4096, "pc-17.lab"))
                .hasMessageContaining("join token file " + config.joinTokenFile() + " is empty");
    }

    @Test
    void aTokenInTheConfigurationWinsOverTheFile() throws IOException {
        Config config = valid().withToken("inline");

        assertThat(AgentSettings.validate(config, 2, 4096, "pc-17.lab").joinToken()).isEqualTo("inline");
    }

    @Test
    void jobsRunInAUserNamespaceUnlessItIsTurnedOff() throws IOException {
        assertThat(AgentSettings.validate(valid(), 2, 4096, "pc").userNamespace())
                .contains(new UserNamespace(1_000_000_000L, 65_536));
        assertThat(AgentSettings.validate(valid().withUsers("off"), 2, 4096, "pc").userNamespace()).isEmpty();
        assertThatThrownBy(() -> AgentSettings.validate(valid().withUsers("0:65536"), 2, 4096, "pc"))
                .hasMessageContaining("upc.agent.user-namespace: a user namespace needs host ids from 1");
        assertThatThrownBy(() -> AgentSettings.validate(valid().withUsers("lots"), 2, 4096, "pc"))
                .hasMessageContaining("upc.agent.user-namespace: expected HOSTID:SIZE or off, was 'lots'");
    }

    @Test
    void aCaFileMustHoldCertificates() throws IOException {
        Path notPem = Files.writeString(dir.resolve("ca.crt"), "not a certificate\n");

        assertThat(AgentSettings.validate(valid(), 2, 4096, "pc").tls()).isNull(); // the JVM's list
        assertThatThrownBy(() -> AgentSettings.validate(valid().withCaFile(notPem), 2, 4096, "pc"))
                .hasMessageContaining("upc.agent.ca-file: " + notPem + " is not a PEM certificate file");
        assertThatThrownBy(() -> AgentSettings.validate(valid().withCaFile(dir.resolve("gone.crt")), 2, 4096, "pc"))
                .hasMessageContaining("upc.agent.ca-file: cannot read " + dir.resolve("gone.crt"));
    }

    @Test
    void theCpuShareScalesTheLentCores() throws IOException {
        Config config = valid().withCpus(OptionalInt.of(2), 25);

        assertThat(AgentSettings.validate(config, 4, 4096, "pc-17.lab").jobCpuShare()).isEqualTo(0.5);
    }

    private record Config(URI registry, URI scheduler, URI store, String token, Path tokenFile, OptionalInt cpus,
                          int percent, OptionalLong memory, int port, Duration pollWaitValue, String nameValue,
                          String users, Path caFileValue)
            implements AgentConfig {

        Config(URI registry, URI scheduler, URI store, String token, Path tokenFile, OptionalInt cpus, int percent,
               OptionalLong memory, int port, Duration pollWaitValue, String nameValue, String users) {
            this(registry, scheduler, store, token, tokenFile, cpus, percent, memory, port, pollWaitValue, nameValue,
                    users, null);
        }

        Config withCaFile(Path value) {
            return new Config(registry, scheduler, store, token, tokenFile, cpus, percent, memory, port, pollWaitValue,
                    nameValue, users, value);
        }

        Config(URI registry, URI scheduler, URI store, String token, Path tokenFile, OptionalInt cpus, int percent,
               OptionalLong memory, int port, Duration pollWaitValue) {
            this(registry, scheduler, store, token, tokenFile, cpus, percent, memory, port, pollWaitValue, null,
                    "1000000000:65536");
        }

        Config(URI registry, URI scheduler, URI store, String token, Path tokenFile, OptionalInt cpus, int percent,
               OptionalLong memory, int port, Duration pollWaitValue, String nameValue) {
            this(registry, scheduler, store, token, tokenFile, cpus, percent, memory, port, pollWaitValue, nameValue,
                    "1000000000:65536");
        }

        Config withUsers(String value) {
            return new Config(registry, scheduler, store, token, tokenFile, cpus, percent, memory, port, pollWaitValue,
                    nameValue, value);
        }

        Config withToken(String value) {
            return new Config(registry, scheduler, store, value, tokenFile, cpus, percent, memory, port, pollWaitValue,
                    nameValue);
        }

        Config withCpus(OptionalInt value, int share) {
            return new Config(registry, scheduler, store, token, tokenFile, value, share, memory, port, pollWaitValue,
                    nameValue);
        }

        Config withName(String value) {
            return new Config(registry, scheduler, store, token, tokenFile, cpus, percent, memory, port, pollWaitValue,
                    value);
        }

        @Override public Optional<URI> registryUrl() { return Optional.ofNullable(registry); }
        @Override public Optional<URI> schedulerUrl() { return Optional.ofNullable(scheduler); }
        @Override public Optional<URI> storeUrl() { return Optional.ofNullable(store); }
        @Override public Optional<String> joinToken() { return Optional.ofNullable(token); }
        @Override public Optional<Path> caFile() { return Optional.ofNullable(caFileValue); }
        @Override public Optional<String> machineId() { return Optional.empty(); }
        @Override public Optional<String> name() { return Optional.ofNullable(nameValue); }
        @Override public Path joinTokenFile() { return tokenFile; }
        @Override public Path podmanSocket() { return Path.of("/run/podman/podman.sock"); }
        @Override public Path stateDir() { return Path.of("/var/lib/upc-agent"); }
        @Override public OptionalInt jobCpus() { return cpus; }
        @Override public int cpuLimitPercent() { return percent; }
        @Override public OptionalLong jobMemoryMib() { return memory; }
        @Override public long jobDiskMib() { return 10240; }
        @Override public Duration lease() { return Duration.ofSeconds(60); }
        @Override public String leaveOnStop() { return "auto"; }
        @Override public Duration leaveTimeout() { return Duration.ofSeconds(75); }
        @Override public int localPort() { return port; }
        @Override public Optional<String> localGroup() { return Optional.empty(); }
        @Override public Map<String, String> labels() { return Map.of("room", "lab-3"); }
        @Override public Duration pollWait() { return pollWaitValue; }
        @Override public String criu() { return "criu"; }
        @Override public boolean pullImages() { return false; }
        @Override public Duration benchmarkMaxAge() { return Duration.ofDays(7); }
        @Override public Duration idleScanInterval() { return Duration.ofMinutes(5); }
        @Override public String userNamespace() { return users; }
    }
}
