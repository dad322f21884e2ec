package dev.upc.e2e.pc;

import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.LibpodUnreachableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One simulated PC: a private {@code podman system service} with its own storage, run root, temp
 * dir and socket, so several PCs on one machine share nothing but the kernel. Images, containers
 * and checkpoints must cross between them exactly as between real PCs.
 *
 * <p>The run root and libpod's temp dir (where it stages checkpoint archives) live on tmpfs when
 * {@code /dev/shm} exists, as {@code /run} does on a real PC; the image and container storage stays
 * on disk.
 */
public final class SimulatedPc implements AutoCloseable {

    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final String name;
    private final Path home;
    private final Path fastDir;
    private final Path socket;
    private volatile Process service;
    private final LibpodClient client;

    private SimulatedPc(String name, Path home, Path fastDir, Process service) {
        this.name = name;
        this.home = home;
        this.fastDir = fastDir;
        this.socket = home.resolve("podman.sock");
        this.service = service;
        this.client = LibpodClient.forSocket(socket);
    }

    /** Starts the PC's podman service and waits until it answers. */
    public static SimulatedPc start(String name) {
        try {
            Path home = Files.createTempDirectory("upc-pc-" + name + "-");
            Path shm = Path.of("/dev/shm");
            // podman refuses a run root path longer than 50 characters: keep this name short
            String unique = "upc-" + name + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);
            Path fastDir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createDirectory(shm.resolve(unique)) : home.resolve("fast");
            Files.createDirectories(fastDir.resolve("tmp"));
            SimulatedPc pc = new SimulatedPc(name, home, fastDir, startService(home, fastDir));
            try {
                pc.awaitReady(Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                pc.close(); // leave no service or directories behind
                throw e;
            }
            return pc;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start simulated PC " + name, e);
        }
    }

    private static Process startService(Path home, Path fastDir) throws IOException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(flags(home, fastDir));
        command.addAll(List.of("system", "service", "--time=0", "unix://" + home.resolve("podman.sock")));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("service.log").toFile()));
        builder.environment().put("PATH", PATH); // runc finds the criu that ./upc setup installed
        builder.environment().put("TMPDIR", fastDir.resolve("tmp").toString());
        return builder.start();
    }

    /**
     * The PC loses its power: its podman service and whatever it runs (runc, CRIU), every container's conmon and the
     * job's processes die at once with {@code SIGKILL}, frozen ones included (their freezer is thawed so that the
     * signal lands). Its storage stays as it was; {@link #powerOn} starts the service again on it.
     */
    public void powerOff() {
        List<ProcessHandle> doomed = new ArrayList<>();
        ProcessHandle.allProcesses().filter(this::isConmonOfThisPc).forEach(conmon -> {
            conmon.descendants().forEach(doomed::add);
            doomed.add(conmon);
        });
        service.toHandle().descendants().forEach(doomed::add);
        doomed.add(service.toHandle());
        List<Path> freezers = doomed.stream().map(SimulatedPc::freezerOf).flatMap(Stream::ofNullable).distinct()
                .toList();
        doomed.forEach(ProcessHandle::destroyForcibly);
        for (Path freezer : freezers) {
            try {
                Files.writeString(freezer, "THAWED");
            } catch (IOException e) {
                // gone with its processes already
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (doomed.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            sleep(50);
        }
        if (doomed.stream().anyMatch(ProcessHandle::isAlive)) {
            throw new IllegalStateException("PC " + name + ": processes alive 20 s after SIGKILL: "
                    + doomed.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList());
        }
    }

    /**
     * The podman service crashes ({@code SIGKILL} to its process alone, as systemd's {@code KillMode=process} for
     * podman.service leaves the runc and CRIU it started running) and is started again {@code after} that.
     */
    public void crashService(Duration after) {
        service.destroyForcibly();
        try {
            if (!service.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("podman service of PC " + name + " alive 10 s after SIGKILL");
            }
            Thread.sleep(after.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        powerOn();
    }

    /** Power back after {@link #powerOff}: its podman service starts again on the storage it left. */
    public void powerOn() {
        try {
            Files.deleteIfExists(socket); // left by the killed service
            service = startService(home, fastDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the podman service of PC " + name + " again", e);
        }
        awaitReady(Duration.ofSeconds(30));
    }

    private boolean isConmonOfThisPc(ProcessHandle process) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            String program = cmdline.substring(0, Math.max(0, cmdline.indexOf('\0')));
            return program.endsWith("conmon") && cmdline.contains(home.resolve("root").toString());
        } catch (IOException | RuntimeException e) {
            return false; // gone, or not readable
        }
    }

    /** The cgroup v1 freezer state file of a process, or null (v2, or the process is gone). */
    private static Path freezerOf(ProcessHandle process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "cgroup"))) {
                String[] parts = line.split(":", 3);
                if (parts.length == 3 && parts[1].equals("freezer") && !parts[2].equals("/")) {
                    return Path.of("/sys/fs/cgroup/freezer" + parts[2], "freezer.state");
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return null;
    }

    public String name() {
        return name;
    }

    /** The PC's podman service process. */
    public ProcessHandle process() {
        return service.toHandle();
    }

    /** Its storage, on disk. */
    public Path home() {
        return home;
    }

    /** Its run root and libpod temp dir, on tmpfs where there is one. */
    public Path fastDir() {
        return fastDir;
    }

    /**
     * Removes what a crashed owner left of a PC: its containers and storage, and its directories. Its podman service
     * must be stopped already.
     */
    public static void removeLeftover(String name, Path home, Path fastDir) {
        try {
            List<String> flags = flags(home, fastDir);
            List<String> rm = new ArrayList<>(List.of("podman"));
            rm.addAll(flags);
            rm.addAll(List.of("rm", "--all", "--force", "--time", "0"));
            Processes.run(rm, Duration.ofMinutes(1), PATH);
            List<String> reset = new ArrayList<>(List.of("podman"));
            reset.addAll(flags);
            reset.addAll(List.of("system", "reset", "--force"));
            Processes.run(reset, Duration.ofMinutes(2), PATH);
        } catch (RuntimeException e) {
            System.err.println("upc: reset of simulated PC " + name + " failed: " + e.getMessage());
        }
        deleteTree(home);
        deleteTree(fastDir);
    }

    public Path socket() {
        return socket;
    }

    public LibpodClient client() {
        return client;
    }

    /** The podman CLI command that acts on this PC's storage (for baselines and diagnostics). */
    public List<String> podmanCli(String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(flags(home, fastDir));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs the podman CLI on this PC's storage; fails with its output if it fails. */
    public String runCli(Duration timeout, String... args) {
        return Processes.run(podmanCli(args), timeout, PATH);
    }

    private static List<String> flags(Path home, Path fastDir) {
        return List.of("--root", home.resolve("root").toString(),
                "--runroot", fastDir.resolve("runroot").toString(),
                "--tmpdir", fastDir.resolve("libpod-tmp").toString(),
                "--runtime", "runc", "--cgroup-manager", "cgroupfs", "--events-backend", "file");
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!service.isAlive()) {
                throw new IllegalStateException("podman service of PC " + name + " exited: " + serviceLog());
            }
            try {
                client.ping();
                return;
            } catch (LibpodUnreachableException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("podman service of PC " + name + " not ready after "
                            + timeout.toSeconds() + " s: " + serviceLog(), e);
                }
                sleep(50);
            }
        }
    }

    private String serviceLog() {
        try {
            return Files.readString(home.resolve("service.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Removes every container and image of this PC, stops its service and deletes its files. */
    @Override
    public void close() {
        service.destroy();
        try {
            if (!service.waitFor(10, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            runCli(Duration.ofMinutes(1), "rm", "--all", "--force", "--time", "0"); // else reset waits 10 s per job
            runCli(Duration.ofMinutes(2), "system", "reset", "--force");
        } catch (RuntimeException e) {
            System.err.println("upc: reset of simulated PC " + name + " failed: " + e.getMessage());
        }
        deleteTree(home);
        deleteTree(fastDir);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("upc: could not delete " + root + ": " + e.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
