package dev.upc.agent.owner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OwnerWatchesTest {

    private static final OwnerWatches.LogindFactory NO_LOGIND = (clock, grace) -> new LogindDetector("loginctl",
            Optional.of("no /run/systemd/seats"), (command, timeout) -> "", clock, grace);
    private static final OwnerWatches.LogindFactory LOGIND = (clock, grace) -> new LogindDetector("loginctl",
            Optional.empty(), (command, timeout) -> "", Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), grace);

    @Test
    void defaults() {
        OwnerConfig config = config(Map.of());

        assertThat(config.detectors()).containsExactly(OwnerConfig.Detector.LOGIND, OwnerConfig.Detector.CPU,
                OwnerConfig.Detector.INPUT);
        assertThat(config.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.idleAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.cpuThreshold()).isEqualTo(0.5);
        assertThat(config.activeGrace()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.jobCpuFile()).isEmpty();
    }

    @Test
    void settingsAsWrittenInAgentProperties() {
        OwnerConfig config = config(Map.of("upc.agent.owner.detectors", "cpu",
                "upc.agent.owner.interval", "2s", "upc.agent.owner.idle-after", "5m",
                "upc.agent.owner.cpu-threshold", "1.5",
                "upc.agent.owner.job-cpu-file", "/sys/fs/cgroup/machine.slice/cpu.stat",
                "upc.agent.owner.active-grace", "PT30S"));

        assertThat(config.detectors()).containsExactly(OwnerConfig.Detector.CPU);
        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.idleAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.cpuThreshold()).isEqualTo(1.5);
        assertThat(config.jobCpuFile()).hasValue("/sys/fs/cgroup/machine.slice/cpu.stat");
        assertThat(config.activeGrace()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void unavailableLogindIsSkipped() {
        List<OwnerDetector> detectors = OwnerWatches.detectors(config(Map.of()), () -> Duration.ZERO, new AgentWork(), NO_LOGIND);

        assertThat(detectors).extracting(OwnerDetector::name).containsExactly("cpu");
    }

    @Test
    void availableLogindIsAskedFirst() {
        List<OwnerDetector> detectors = OwnerWatches.detectors(config(Map.of()), () -> Duration.ZERO, new AgentWork(), LOGIND);

        assertThat(detectors).extracting(OwnerDetector::name).containsExactly("logind", "cpu");
    }

    @Test
    void noneLeavesTheToggleAlone() {
        OwnerConfig config = config(Map.of("upc.agent.owner.detectors", "none"));

        assertThat(OwnerWatches.detectors(config, () -> Duration.ZERO, new AgentWork(), LOGIND)).isEmpty();
    }

    @Test
    void badValuesAreNamedInOneMessage() {
        OwnerConfig config = config(Map.of("upc.agent.owner.detectors", "none,cpu",
                "upc.agent.owner.interval", "0s", "upc.agent.owner.idle-after", "-1s",
                "upc.agent.owner.cpu-threshold", "0", "upc.agent.owner.job-cpu-file", "cpu.stat",
                "upc.agent.owner.lending-hours", "weekends"));

        assertThatThrownBy(() -> OwnerWatches.detectors(config, () -> Duration.ZERO, new AgentWork(), LOGIND))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upc.agent.owner.detectors: 'none' cannot be combined")
                .hasMessageContaining("upc.agent.owner.interval must be positive, got PT0S")
                .hasMessageContaining("upc.agent.owner.idle-after must not be negative")
                .hasMessageContaining("upc.agent.owner.cpu-threshold must be a number of cores above 0")
                .hasMessageContaining("upc.agent.owner.job-cpu-file must be an absolute path")
                .hasMessageContaining("upc.agent.owner.lending-hours: lending hours: 'weekends' is not a day");
    }

    @Test
    void lendingHoursAreAskedWithTheDetectors() {
        OwnerConfig config = config(Map.of("upc.agent.owner.lending-hours", "mon-fri 18:00-08:00, sat-sun"));

        assertThat(OwnerWatches.detectors(config, () -> Duration.ZERO, new AgentWork(), NO_LOGIND))
                .extracting(OwnerDetector::name).containsExactly("hours", "cpu");
    }

    @Test
    void unknownDetectorIsAConfigError() {
        assertThatThrownBy(() -> config(Map.of("upc.agent.owner.detectors", "logind,keyboard")))
                .hasStackTraceContaining("keyboard");
    }

    private static OwnerConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(OwnerConfig.class)
                .build();
        return config.getConfigMapping(OwnerConfig.class);
    }
}
