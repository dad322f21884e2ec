package dev.upc.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.config.AgentSettings;
import dev.upc.agent.facts.MachineFacts;
import dev.upc.agent.libpod.PodmanHost;
import dev.upc.protocol.WorkerRegistration;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** What a PC registers comes from its settings where the owner decides: its name, the cores and memory it lends. */
class RegistrationTest {

    private static final MachineFacts FACTS = new MachineFacts("m-1", "lab-host", 8, 16_000, "Xeon",
            new TreeSet<>(java.util.List.of("sse4_2")), "amd64", "4.1.1");
    private static final PodmanHost HOST = new PodmanHost("4.3.1", "4.3.1", "amd64", 8, 16_000L << 20, "6.1",
            "v1", "runc", "1.1.5", "lab-host", "cgroupfs");

    @Test
    void theSettingsNameAndLentMemoryAreRegistered() {
        AgentSettings settings = new AgentSettings("sim-pc-2", URI.create("http://r"), URI.create("http://s"),
                URI.create("http://st"), "token", Path.of("/run/podman/podman.sock"), Path.of("/var/lib/upc-agent"), 4,
                50, 6_000, 0, Map.of("room", "lab-3"), Duration.ofSeconds(25), "criu", false, Duration.ofDays(7),
                Duration.ofMinutes(5), java.util.Optional.empty(), null, 10240,
                Duration.ofSeconds(60));

        WorkerRegistration registration = AgentMain.registration(FACTS, settings, HOST, 2.0 * 0.5, "1.2.3");

        assertThat(registration.hostname()).isEqualTo("sim-pc-2");
        assertThat(registration.jobMemoryMiB()).isEqualTo(6_000L);
        assertThat(registration.lentMemoryMiB()).isEqualTo(6_000L);
        assertThat(registration.memoryMiB()).isEqualTo(16_000L);
        assertThat(registration.jobCpus()).isEqualTo(4);
        assertThat(registration.benchmarkScore()).isEqualTo(1.0); // the score times the 50 % CPU cap
        assertThat(registration.cgroupVersion()).isEqualTo(1);
        assertThat(registration.machineId()).isEqualTo("m-1");
    }
}
