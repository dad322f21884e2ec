package dev.upc.agent.facts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Collects {@link MachineFacts} from {@code /proc}, {@code /etc/machine-id} and CRIU. The file system
 * root is a parameter so that tests can point it at a directory of fixtures.
 */
public final class ProcMachineFacts {

    private final Path root;
    private final Path generatedIdFile;
    private final java.util.function.Supplier<String> criu;
    private final String osArch;

    /** @param criu CRIU's version: a {@link CriuProbe}'s, or one known from the agent's state */
    public ProcMachineFacts(Path root, Path generatedIdFile, java.util.function.Supplier<String> criu, String osArch) {
        this.root = root;
        this.generatedIdFile = generatedIdFile;
        this.criu = criu;
        this.osArch = osArch;
    }

    /** This machine, keeping a generated id (when needed) in the agent's state directory. */
    public static ProcMachineFacts forThisMachine(Path stateDir) {
        return new ProcMachineFacts(Path.of("/"), stateDir.resolve("machine-id"), CriuProbe.onPath()::version,
                System.getProperty("os.arch"));
    }

    /**
     * @throws MachineFactsException     when a /proc file is missing or unreadable
     * @throws CriuUnavailableException  when CRIU is missing or broken
     */
    public MachineFacts collect() {
        CpuInfo cpu = CpuInfo.parse(read("proc/cpuinfo"));
        long memoryMiB = MemInfo.totalMiB(read("proc/meminfo"));
        // The kernel's own answer: InetAddress.getLocalHost() may wait on DNS, which a fast start cannot afford.
        String hostname = read("proc/sys/kernel/hostname").strip();
        String machineId = MachineIdentity.load(root.resolve("etc/machine-id"), generatedIdFile);
        return new MachineFacts(machineId, hostname, cpu.processors(), memoryMiB, cpu.modelName(), cpu.flags(),
                GoArch.of(osArch), criu.get());
    }

    private String read(String relative) {
        Path file = root.resolve(relative);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MachineFactsException("cannot read " + file + ": " + e, e);
        }
    }
}
