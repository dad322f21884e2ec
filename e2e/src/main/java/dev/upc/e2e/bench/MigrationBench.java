package dev.upc.e2e.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterJobs;
import dev.upc.e2e.job.CounterOutput;
import dev.upc.e2e.migration.DirectMigration;
import dev.upc.e2e.pc.SimulatedPc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./upc bench migration}: moves a job holding 16, 256 and 1024 MiB from PC A to PC B, once
 * with the podman CLI through a file (the baseline, with its default zstd compression and without
 * compression) and once with UPC's libpod client streaming the checkpoint straight into the
 * restore ({@code "path":"agent"}). Then, through a real local cluster, the scheduler's decision to the job running
 * on the other PC, through the checkpoint store ({@code "path":"system"}, see {@link SystemMigration}), beside the
 * uncompressed CLI of the same size. One JSON line per size and path on stdout; progress goes to stderr.
 */
public final class MigrationBench {

    private static final Duration CLI_TIMEOUT = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TICK_MS = 250;

    private final SimulatedPc pcA;
    private final SimulatedPc pcB;
    private final Path scratch;
    private int serial;

    private MigrationBench(SimulatedPc pcA, SimulatedPc pcB, Path scratch) {
        this.pcA = pcA;
        this.pcB = pcB;
        this.scratch = scratch;
    }

    public static int run(List<String> args, Path work) {
        List<Integer> sizes = List.of(16, 256, 1024);
        int runs = 1;
        boolean system = true;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--sizes" -> sizes = parseSizes(args.get(++i));
                case "--runs" -> runs = Integer.parseInt(args.get(++i));
                case "--no-system" -> system = false;
                default -> {
                    System.err.println("usage: ./upc bench migration [--sizes 16,256,1024] [--runs N] [--no-system]");
                    return 2;
                }
            }
        }
        CounterImage image = CounterImage.build(work);
        try (SimulatedPc a = SimulatedPc.start("bench-a"); SimulatedPc b = SimulatedPc.start("bench-b")) {
            image.ensureOn(a.client());
            image.ensureOn(b.client());
            Path scratch = Files.createDirectories(work.resolve("bench-migration"));
            MigrationBench bench = new MigrationBench(a, b, scratch);
            boolean allContinued = true;
            Map<Integer, Double> cliUncompressed = new LinkedHashMap<>();
            for (int size : sizes) {
                Result result = bench.measure(size, runs);
                System.out.println(result.json());
                allContinued &= result.continued;
                cliUncompressed.put(size, result.cliPlain().seconds);
            }
            if (system) {
                allContinued &= measureSystem(cliUncompressed, runs, work);
            }
            return allContinued ? 0 : 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The system path per size, median of {@code runs}, beside the uncompressed CLI measured before. */
    private static boolean measureSystem(Map<Integer, Double> cliUncompressed, int runs, Path work)
            throws InterruptedException {
        boolean allContinued = true;
        Path dir = work.resolve("bench-migration-system").resolve("run-" + System.currentTimeMillis());
        try (SystemMigration system = SystemMigration.start(dir, line -> progress("%s", line))) {
            for (Map.Entry<Integer, Double> size : cliUncompressed.entrySet()) {
                List<SystemMigration.Move> moves = new ArrayList<>();
                for (int run = 1; run <= runs; run++) {
                    progress("%d MiB, run %d/%d: the system, decision to running on the target", size.getKey(), run,
                            runs);
                    moves.add(system.move(size.getKey()));
                }
                moves.sort(Comparator.comparingDouble(SystemMigration.Move::seconds));
                SystemMigration.Move median = moves.get(moves.size() / 2);
                boolean continued = moves.stream().allMatch(SystemMigration.Move::continued);
                allContinued &= continued;
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("bench", "migration");
                line.put("path", "system");
                line.put("rssMiB", size.getKey());
                line.put("seconds", round(median.seconds()));
                line.put("cliUncompressedSeconds", round(size.getValue()));
                line.put("ratioVsUncompressed", round(median.seconds() / size.getValue()));
                line.put("archiveBytes", median.archiveBytes());
                line.putAll(median.phases().details());
                line.put("continued", continued);
                System.out.println(JSON.writeValueAsString(line));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a result line", e);
        }
        return allContinued;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private Result measure(int memMiB, int runs) {
        List<Measurement> cli = new ArrayList<>();
        List<Measurement> cliPlain = new ArrayList<>();
        List<Measurement> upc = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            progress("%d MiB, run %d/%d: podman CLI, default compression", memMiB, run, runs);
            cli.add(viaCli(memMiB, List.of()));
            progress("%d MiB, run %d/%d: podman CLI, --compress none", memMiB, run, runs);
            cliPlain.add(viaCli(memMiB, List.of("--compress", "none")));
            progress("%d MiB, run %d/%d: UPC, checkpoint streamed into restore", memMiB, run, runs);
            upc.add(viaUpc(memMiB));
        }
        return new Result(memMiB, median(cli), median(cliPlain), median(upc));
    }

    private Measurement viaCli(int memMiB, List<String> exportFlags) {
        String name = "bench-cli-" + (++serial);
        CounterOutput before = startJob(name, memMiB);
        long rss = pcA.client().stats(name).memoryUsageBytes();
        Path archive = scratch.resolve(name + ".tar");
        List<String> checkpoint = new ArrayList<>(List.of("container", "checkpoint", "--export", archive.toString()));
        checkpoint.addAll(exportFlags);
        checkpoint.add(name);
        long start = System.nanoTime();
        pcA.runCli(CLI_TIMEOUT, checkpoint.toArray(String[]::new));
        long dumped = System.nanoTime();
        pcB.runCli(CLI_TIMEOUT, "container", "restore", "--import", archive.toString(), "--name", name + "-b");
        long restored = System.nanoTime();
        long bytes = size(archive);
        boolean continued = CounterJobs.continuation(before, pcB.client(), name + "-b", 2).continued();
        cleanUp(name);
        delete(archive);
        return new Measurement(seconds(restored - start), seconds(dumped - start), 0, seconds(restored - dumped),
                bytes, rss, continued);
    }

    private Measurement viaUpc(int memMiB) {
        String name = "bench-upc-" + (++serial);
        CounterOutput before = startJob(name, memMiB);
        long rss = pcA.client().stats(name).memoryUsageBytes();
        DirectMigration.Report report = DirectMigration.migrate(pcA.client(), name, pcB.client(), name + "-b");
        boolean continued = CounterJobs.continuation(before, pcB.client(), name + "-b", 2).continued();
        cleanUp(name);
        return new Measurement(seconds(report.total().toNanos()), seconds(report.checkpoint().toNanos()),
                seconds(report.transfer().toNanos()), seconds(report.restore().toNanos()), report.archiveBytes(), rss,
                continued);
    }

    private CounterOutput startJob(String name, int memMiB) {
        return CounterJobs.start(pcA.client(), name, memMiB, TICK_MS, out -> out.lastTick() >= 2);
    }

    private void cleanUp(String name) {
        LibpodClient a = pcA.client();
        LibpodClient b = pcB.client();
        a.remove(name, true);
        b.remove(name + "-b", true);
    }

    private static Measurement median(List<Measurement> runs) {
        List<Measurement> sorted = new ArrayList<>(runs);
        sorted.sort((x, y) -> Double.compare(x.seconds, y.seconds));
        Measurement median = sorted.get(sorted.size() / 2);
        boolean allContinued = runs.stream().allMatch(m -> m.continued);
        return new Measurement(median.seconds, median.checkpoint, median.transfer, median.restore, median.archiveBytes,
                median.rssBytes, allContinued);
    }

    private static List<Integer> parseSizes(String list) {
        List<Integer> sizes = new ArrayList<>();
        for (String size : list.split(",")) {
            sizes.add(Integer.parseInt(size.trim()));
        }
        return sizes;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void progress(String format, Object... args) {
        System.err.println("upc bench: " + String.format(Locale.ROOT, format, args));
    }

    /** One migration: total seconds (the job's downtime) and its phases. */
    private record Measurement(double seconds, double checkpoint, double transfer, double restore, long archiveBytes,
                               long rssBytes, boolean continued) {
    }

    private record Result(int memMiB, Measurement cli, Measurement cliPlain, Measurement upc, boolean continued) {

        Result(int memMiB, Measurement cli, Measurement cliPlain, Measurement upc) {
            this(memMiB, cli, cliPlain, upc, cli.continued && cliPlain.continued && upc.continued);
        }

        String json() {
            return String.format(Locale.ROOT, "{\"bench\":\"migration\",\"path\":\"agent\",\"rssMiB\":%d,\"measuredRssMiB\":%d,"
                            + "\"cliSeconds\":%.3f,\"upcSeconds\":%.3f,\"ratio\":%.3f,"
                            + "\"cliUncompressedSeconds\":%.3f,\"ratioVsUncompressed\":%.3f,"
                            + "\"archiveBytes\":%d,\"cliArchiveBytes\":%d,"
                            + "\"upcCheckpointSeconds\":%.3f,\"upcTransferSeconds\":%.3f,\"upcRestoreSeconds\":%.3f,"
                            + "\"cliCheckpointSeconds\":%.3f,\"cliRestoreSeconds\":%.3f,"
                            + "\"agentHeapMaxMiB\":%d,\"continued\":%b}",
                    memMiB, upc.rssBytes >> 20, cli.seconds, upc.seconds, upc.seconds / cli.seconds,
                    cliPlain.seconds, upc.seconds / cliPlain.seconds, upc.archiveBytes, cli.archiveBytes,
                    upc.checkpoint, upc.transfer, upc.restore, cli.checkpoint, cli.restore,
                    Runtime.getRuntime().maxMemory() >> 20, continued);
        }
    }
}
