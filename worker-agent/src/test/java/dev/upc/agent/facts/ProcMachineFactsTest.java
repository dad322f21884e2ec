package dev.upc.agent.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcMachineFactsTest {

    private static final CriuProbe FAKE_CRIU = new CriuProbe(List.of("sh", "-c", "echo 'Version: 4.1.1'"), Duration.ofSeconds(5));

    @TempDir
    Path dir;

    @Test
    void liveMachine() {
        MachineFacts facts = ProcMachineFacts.forThisMachine(dir).collect();

        assertThat(facts.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(facts.memoryMiB()).isPositive();
        assertThat(facts.hostname()).isNotBlank();
        assertThat(facts.machineId()).matches("[0-9a-f]{32}");
        assertThat(facts.arch()).isIn("amd64", "arm64");
        assertThat(facts.criuVersion()).matches("\\d+\\.\\d+(\\.\\d+)?");
        if (facts.arch().equals("amd64")) {
            assertThat(facts.cpuModel()).isNotBlank();
            assertThat(facts.cpuFlags()).contains("sse2");
        }
    }

    @Test
    void machineWithoutMachineIdGetsAGeneratedOneThatStays() throws IOException {
        Path root = fixtureRoot();
        Path generated = dir.resolve("state/machine-id");

        MachineFacts first = new ProcMachineFacts(root, generated, FAKE_CRIU::version, "x86_64").collect();
        MachineFacts second = new ProcMachineFacts(root, generated, FAKE_CRIU::version, "x86_64").collect();

        assertThat(first.machineId()).matches("[0-9a-f]{32}").isEqualTo(second.machineId());
        assertThat(Files.readString(generated).strip()).isEqualTo(first.machineId());
        assertThat(first).isEqualTo(second);
        assertThat(first.hostname()).isEqualTo("lab-pc-7");
        assertThat(first.cores()).isEqualTo(2);
        assertThat(first.memoryMiB()).isEqualTo(24105);
        assertThat(first.arch()).isEqualTo("amd64");
        assertThat(first.criuVersion()).isEqualTo("4.1.1");
    }

    @Test
    void etcMachineIdWins() throws IOException {
        Path root = fixtureRoot();
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/machine-id"), "0123456789abcdef0123456789abcdef\n");

        MachineFacts facts = new ProcMachineFacts(root, dir.resolve("state/machine-id"), FAKE_CRIU::version, "amd64")
                .collect();

        assertThat(facts.machineId()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(dir.resolve("state/machine-id")).doesNotExist();
    }

    @Test
    void missingProcFileIsNamed() throws IOException {
        Path root = fixtureRoot();
        Files.delete(root.resolve("proc/meminfo"));

        assertThatThrownBy(() -> new ProcMachineFacts(root, dir.resolve("id"), FAKE_CRIU::version, "amd64").collect())
                .isInstanceOf(MachineFactsException.class).hasMessageContaining("proc/meminfo");
    }

    @Test
    void missingCriuIsATypedError() {
        CriuProbe missing = new CriuProbe(List.of("/nonexistent/criu", "--version"), Duration.ofSeconds(5));

        assertThatThrownBy(missing::version).isInstanceOf(CriuUnavailableException.class)
                .hasMessageContaining("CRIU not found").hasMessageContaining("/nonexistent/criu");
    }

    @Test
    void hangingCriuTimesOut() {
        CriuProbe hanging = new CriuProbe(List.of("sleep", "10"), Duration.ofMillis(200));

        assertThatThrownBy(hanging::version).isInstanceOf(CriuUnavailableException.class)
                .hasMessageContaining("did not answer within");
    }

    @Test
    void failingCriuShowsItsOutput() {
        CriuProbe failing = new CriuProbe(List.of("sh", "-c", "echo 'permission denied' >&2; exit 1"), Duration.ofSeconds(5));

        assertThatThrownBy(failing::version).isInstanceOf(CriuUnavailableException.class)
                .hasMessageContaining("exited with 1").hasMessageContaining("permission denied");
    }

    @Test
    void realCriuReportsItsVersion() {
        assertThat(CriuProbe.onPath().version()).matches("\\d+\\.\\d+(\\.\\d+)?");
    }

    private Path fixtureRoot() throws IOException {
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("proc/sys/kernel"));
        Files.writeString(root.resolve("proc/cpuinfo"), MachineFactsParsingTest.fixture("cpuinfo-xeon-2cpu.txt"));
        Files.writeString(root.resolve("proc/meminfo"), MachineFactsParsingTest.fixture("meminfo-xeon.txt"));
        Files.writeString(root.resolve("proc/sys/kernel/hostname"), "lab-pc-7\n");
        return root;
    }
}
