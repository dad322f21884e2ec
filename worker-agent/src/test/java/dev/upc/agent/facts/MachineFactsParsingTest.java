package dev.upc.agent.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MachineFactsParsingTest {

    @Test
    void cpuinfoOfTheDevelopmentVm() {
        CpuInfo cpu = CpuInfo.parse(fixture("cpuinfo-xeon-2cpu.txt"));

        assertThat(cpu.processors()).isEqualTo(2);
        assertThat(cpu.modelName()).isEqualTo("Intel(R) Xeon(R) Processor");
        assertThat(cpu.flags()).contains("avx2", "avx512f", "sse4_2", "aes").doesNotContain("", "flags", ":");
        assertThat(cpu.flags()).hasSize(118);
    }

    @Test
    void flagsAreThoseEveryCpuHas() {
        String cpuinfo = """
                processor\t: 0
                model name\t: Hybrid
                flags\t\t: fpu sse avx512f

                processor\t: 1
                model name\t: Hybrid
                flags\t\t: fpu sse
                """;

        assertThat(CpuInfo.parse(cpuinfo).flags()).containsExactly("fpu", "sse");
    }

    @Test
    void armCpuinfoHasFeaturesAndNoModelName() {
        // Shaped like an arm64 kernel's cpuinfo (typed in, not captured): no "model name", Features not flags.
        String cpuinfo = """
                processor\t: 0
                BogoMIPS\t: 108.00
                Features\t: fp asimd evtstrm aes crc32 atomics
                CPU implementer\t: 0x41

                processor\t: 1
                BogoMIPS\t: 108.00
                Features\t: fp asimd evtstrm aes crc32 atomics
                CPU implementer\t: 0x41

                Hardware\t: BCM2835
                """;

        CpuInfo cpu = CpuInfo.parse(cpuinfo);
        assertThat(cpu.processors()).isEqualTo(2);
        assertThat(cpu.modelName()).isEqualTo("BCM2835");
        assertThat(cpu.flags()).containsExactly("aes", "asimd", "atomics", "crc32", "evtstrm", "fp");
    }

    @Test
    void cpuinfoWithoutProcessorsIsAnError() {
        assertThatThrownBy(() -> CpuInfo.parse("")).isInstanceOf(MachineFactsException.class)
                .hasMessageContaining("no processor");
    }

    @Test
    void meminfoOfTheDevelopmentVm() {
        assertThat(MemInfo.totalMiB(fixture("meminfo-xeon.txt"))).isEqualTo(24684092L / 1024);
    }

    @Test
    void meminfoWithoutMemTotalOrWithOtherUnitsIsAnError() {
        assertThatThrownBy(() -> MemInfo.totalMiB("MemFree: 1 kB\n")).isInstanceOf(MachineFactsException.class)
                .hasMessageContaining("no MemTotal");
        assertThatThrownBy(() -> MemInfo.totalMiB("MemTotal: 1 MB\n")).isInstanceOf(MachineFactsException.class)
                .hasMessageContaining("not in kB");
    }

    @Test
    void criuVersionOutput() {
        assertThat(CriuProbe.parseVersion("Version: 4.1.1\n")).isEqualTo("4.1.1");
        assertThat(CriuProbe.parseVersion("Version: 3.17.1\nGitID: v3.17.1-4-gabc\n")).isEqualTo("3.17.1");
        assertThatThrownBy(() -> CriuProbe.parseVersion("criu: command not understood"))
                .isInstanceOf(CriuUnavailableException.class).hasMessageContaining("no 'Version:' line");
    }

    @Test
    void javaArchitecturesInGoNaming() {
        assertThat(GoArch.of("amd64")).isEqualTo("amd64");
        assertThat(GoArch.of("x86_64")).isEqualTo("amd64");
        assertThat(GoArch.of("aarch64")).isEqualTo("arm64");
        assertThat(GoArch.of("ppc64le")).isEqualTo("ppc64le");
        assertThat(GoArch.of("riscv64")).isEqualTo("riscv64");
    }

    @Test
    void machineIdMustBe32HexDigits() {
        assertThat(MachineIdentity.parse("0123456789abcdef0123456789abcdef\n")).contains("0123456789abcdef0123456789abcdef");
        assertThat(MachineIdentity.parse("")).isEmpty();
        assertThat(MachineIdentity.parse("uninitialized\n")).isEmpty();
    }

    static String fixture(String name) {
        try (InputStream in = MachineFactsParsingTest.class.getResourceAsStream("/facts/v1/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
