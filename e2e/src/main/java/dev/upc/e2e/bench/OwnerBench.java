package dev.upc.e2e.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.agent.owner.CgroupCpuTime;
import dev.upc.cli.client.UpcClient;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterOutput;
import dev.upc.e2e.local.LocalCluster;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.OwnerState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./upc bench owner}: how long the PC's owner waits for the CPU after coming back, per signal. A CPU-bound job of
 * 32 MiB runs on "desk" (half a core); a second PC, "spare", is free. Each round the owner comes back — by the toggle
 * ({@code upc-agent owner active}), or by starting a two-core build that desk's CPU-load detector sees — and the bench
 * reads the job's cgroup every millisecond: <em>frozen</em> is the first moment after which the job gets no more than
 * 1 ms of CPU in 200 ms (it had 100). Then it waits for the job to run on spare. The owner leaves, the job is moved back,
 * and the next round begins. One JSON line per signal:
 * <pre>{"bench":"owner","signal":"toggle","rounds":10,"toFrozenMs":{"p50":…,"p95":…},
 * "toRunningElsewhereMs":{"p50":…,"p95":…}}</pre>
 * The baseline in the same run is the move itself: before the agent held jobs at once, the owner got the CPU back only
 * when the move's CRIU dump stopped the job, shortly before it ran elsewhere.
 */
public final class OwnerBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    private static final int MEM_MIB = 32;
    /** Frozen: at most this much CPU in the window after. */
    private static final long FROZEN_CPU_NANOS = 1_000_000;
    private static final long FROZEN_WINDOW_NANOS = 200_000_000;

    private final UpcClient admin;
    private final LocalCluster.RunningPc desk;
    private final LocalCluster.RunningPc spare;

    private OwnerBench(UpcClient admin, LocalCluster.RunningPc desk, LocalCluster.RunningPc spare) {
        this.admin = admin;
        this.desk = desk;
        this.spare = spare;
    }

    /** One round's two times, from the owner's first activity. */
    public record Round(double toFrozenMs, double toRunningElsewhereMs) {
    }

    /**
     * What a run measured: the rounds of each signal, in order, and whether the job ran on as one run throughout (its
     * log: ticks without a gap, one start).
     */
    public record Result(Map<String, List<Round>> rounds, int failures, boolean continued) {

        public boolean ok() {
            return failures == 0 && continued;
        }
    }

    public static int run(List<String> args, Path work) {
        int rounds = 10;
        if (args.size() == 2 && args.get(0).equals("--rounds")) {
            rounds = Integer.parseInt(args.get(1));
        } else if (!args.isEmpty()) {
            System.err.println("usage: ./upc bench owner [--rounds 10]");
            return 2;
        }
        try {
            Result result = measure(work.resolve("bench-owner").resolve("run-" + System.currentTimeMillis()), rounds);
            for (Map.Entry<String, List<Round>> signal : result.rounds().entrySet()) {
                System.out.println(line(signal.getKey(), signal.getValue(), result.continued()));
            }
            return result.ok() ? 0 : 1;
        } catch (RuntimeException | InterruptedException | IOException e) {
            say("owner: FAILED: %s", e.getMessage());
            return 1;
        }
    }

    /**
     * Starts desk and spare in {@code dir} and measures {@code rounds} returns of the owner per signal (the bench, and
     * with one round each the end-to-end test of the toggle and the CPU detector).
     */
    public static Result measure(Path dir, int rounds) throws InterruptedException, IOException {
        // desk sees its owner through the CPU (a threshold above one CRIU dump of the other PC: they share this
        // machine) and gives up quickly once they leave; spare is told nothing.
        Map<String, String> deskAgent = Map.of("upc.agent.owner.detectors", "cpu",
                "upc.agent.owner.cpu-threshold", "0.9", "upc.agent.owner.idle-after", "1s");
        List<LocalCluster.Pc> pcs = List.of(new LocalCluster.Pc("desk", 50, deskAgent),
                new LocalCluster.Pc("spare", 50));
        say("owner: %d rounds per signal; a %d MiB CPU-bound job on desk (50 %%), spare (50 %%) free", rounds, MEM_MIB);
        // As installed: the registry is read every 10 s; the owner's news comes from the agent.
        Map<String, String> scheduler = Map.of("upc.scheduler.registry.reconcile-interval", "10s");
        try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Spec(dir, pcs, scheduler, null, true),
                line -> say("%s", line))) {
            OwnerBench bench = new OwnerBench(cluster.services().admin(), cluster.pcs().get("desk"),
                    cluster.pcs().get("spare"));
            String job = bench.submit();
            int failures = 0;
            Map<String, List<Round>> bySignal = new LinkedHashMap<>();
            for (String signal : List.of("toggle", "cpu")) {
                List<Round> measured = new ArrayList<>();
                for (int i = 1; i <= rounds; i++) {
                    try {
                        Round round = bench.round(job, signal);
                        measured.add(round);
                        say("owner: %s round %d: frozen after %.0f ms, running on spare after %.0f ms", signal, i,
                                round.toFrozenMs(), round.toRunningElsewhereMs());
                    } catch (RuntimeException e) {
                        failures++;
                        say("owner: %s round %d FAILED: %s", signal, i, e.getMessage());
                    }
                }
                bySignal.put(signal, measured);
            }
            CounterOutput output = CounterOutput.ofJob(bench.admin, job);
            boolean continued = output.starts() == 1 && output.consecutive() && output.memoryFailures() == 0;
            if (!continued) {
                say("owner: the job did NOT run on as one run: %d start(s), ticks %s", output.starts(),
                        output.ticks());
            }
            bench.admin.cancel(job);
            return new Result(bySignal, failures, continued);
        }
    }

    private String submit() {
        List<String> command = List.of(CounterImage.PROGRAM, "--work", "1000000", "--mem", Integer.toString(MEM_MIB));
        return admin.submit(new JobSubmission("owner-bench", CounterImage.REFERENCE, command, Map.of(), 1,
                3L * MEM_MIB, null, 0L, true, null, null, null)).id();
    }

    /** The job running freely on desk, the owner away; the owner comes back by {@code signal}; the times. */
    private Round round(String jobId, String signal) throws InterruptedException, IOException {
        JobInfo job = onDesk(jobId);
        Path cpuFile = cgroupCpuFile(AgentCommand.containerName(jobId, job.epoch()))
                .orElseThrow(() -> new IllegalStateException("no cgroup CPU file for the job's container"));
        CpuTrace trace = new CpuTrace(cpuFile);
        Thread tracing = new Thread(trace, "owner-bench-trace");
        tracing.setDaemon(true);
        tracing.start();
        Thread.sleep(300); // a little of the job's normal CPU use before
        List<Process> build = new ArrayList<>();
        long activity = System.nanoTime();
        if (signal.equals("toggle")) {
            desk.agent().owner("active");
        } else {
            for (int i = 0; i < 2; i++) {
                build.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
            }
        }
        try {
            JobInfo moved = admin.awaitJob(jobId, j -> spare.workerId().equals(j.workerId())
                    && j.state() == JobState.RUNNING, STEP_TIMEOUT);
            long elsewhere = System.nanoTime();
            trace.stop();
            tracing.join();
            double frozen = trace.frozenAfter(activity)
                    .orElseThrow(() -> new IllegalStateException("the job's CPU use never stopped")) / 1e6;
            if (moved.suspendedSince() != null) {
                throw new IllegalStateException("the job runs held on spare");
            }
            return new Round(frozen, (elsewhere - activity) / 1e6);
        } finally {
            trace.stop();
            build.forEach(Process::destroyForcibly);
        }
    }

    /**
     * Moves the job to desk if it is elsewhere, and waits until it runs there freely with the owner away. Meanwhile
     * desk's owner is set idle by hand: the simulated PCs share this machine, so spare's CRIU dump would look to desk's
     * CPU detector like its owner (separate PCs do not see each other's work); then desk's detectors decide again.
     */
    private JobInfo onDesk(String jobId) throws InterruptedException {
        desk.agent().owner("idle");
        JobInfo job = admin.awaitJob(jobId, j -> j.state() == JobState.RUNNING, STEP_TIMEOUT);
        if (!desk.workerId().equals(job.workerId())) {
            migrateToDesk(jobId);
            job = admin.awaitJob(jobId, j -> desk.workerId().equals(j.workerId()) && j.state() == JobState.RUNNING
                    && j.suspendedSince() == null, STEP_TIMEOUT);
        }
        Thread.sleep(1500); // quiet again: longer than desk's idle-after
        desk.agent().owner("auto");
        desk.agent().await(status -> status.ownerState() == OwnerState.IDLE, STEP_TIMEOUT, "desk's owner idle");
        Thread.sleep(500);
        return job;
    }

    /** Asks for the move; while the scheduler has not yet heard that desk's owner left (409), asks again. */
    private void migrateToDesk(String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                admin.migrate(jobId, desk.workerId());
                return;
            } catch (dev.upc.cli.client.UpcApiException e) {
                if (e.status() != 409 || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * The CPU counter of the job's container's own cgroup, as podman reports it, in either cgroup layout (a container
     * kept from an earlier move and renamed keeps the cgroup of its first name).
     */
    private Optional<Path> cgroupCpuFile(String container) {
        String cgroup = desk.pc().client().inspect(container).cgroupPath();
        if (cgroup == null || cgroup.isEmpty()) {
            return Optional.empty();
        }
        for (String candidate : List.of("/sys/fs/cgroup/cpu,cpuacct%s/cpuacct.usage",
                "/sys/fs/cgroup/cpuacct%s/cpuacct.usage", "/sys/fs/cgroup%s/cpu.stat")) {
            Path file = Path.of(String.format(candidate, cgroup));
            if (Files.isReadable(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /** Reads a cgroup's CPU counter every millisecond until stopped (or the cgroup is gone). */
    static final class CpuTrace implements Runnable {

        private final Path file;
        private final List<long[]> samples = new ArrayList<>();
        private volatile boolean stopped;

        CpuTrace(Path file) {
            this.file = file;
        }

        void stop() {
            stopped = true;
        }

        @Override
        public void run() {
            while (!stopped) {
                try {
                    long cpu = CgroupCpuTime.parse(Files.readString(file, StandardCharsets.US_ASCII)).toNanos();
                    synchronized (samples) {
                        samples.add(new long[] {System.nanoTime(), cpu});
                    }
                    Thread.sleep(0, 500_000);
                } catch (IOException | RuntimeException e) {
                    return; // the container's cgroup went with the checkpoint
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Nanoseconds from {@code activity} to the first sample after which the job got no CPU to speak of. */
        Optional<Long> frozenAfter(long activity) {
            List<long[]> copy;
            synchronized (samples) {
                copy = List.copyOf(samples);
            }
            int j = 0;
            for (int i = 0; i < copy.size(); i++) {
                long[] at = copy.get(i);
                if (at[0] < activity) {
                    continue;
                }
                j = Math.max(j, i);
                while (j + 1 < copy.size() && copy.get(j + 1)[0] - at[0] <= FROZEN_WINDOW_NANOS) {
                    j++;
                }
                if (copy.get(j)[0] - at[0] < FROZEN_WINDOW_NANOS / 2) {
                    return Optional.empty(); // too few samples after it to tell
                }
                if (copy.get(j)[1] - at[1] <= FROZEN_CPU_NANOS) {
                    return Optional.of(at[0] - activity);
                }
            }
            return Optional.empty();
        }
    }

    private static String line(String signal, List<Round> rounds, boolean continued) throws JsonProcessingException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("bench", "owner");
        line.put("signal", signal);
        line.put("rounds", rounds.size());
        line.put("toFrozenMs", percentiles(rounds.stream().mapToDouble(Round::toFrozenMs).toArray()));
        line.put("toRunningElsewhereMs",
                percentiles(rounds.stream().mapToDouble(Round::toRunningElsewhereMs).toArray()));
        line.put("targetFrozenP95Ms", signal.equals("toggle") ? 250 : 1500);
        line.put("targetElsewhereP95Ms", 5000);
        line.put("jobMiB", MEM_MIB);
        line.put("continued", continued);
        return JSON.writeValueAsString(line);
    }

    /** Nearest-rank p50 and p95, rounded to the millisecond. */
    static Map<String, Object> percentiles(double[] values) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (values.length == 0) {
            p.put("p50", null);
            p.put("p95", null);
            return p;
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        p.put("p50", Math.round(sorted[(int) Math.ceil(0.50 * sorted.length) - 1]));
        p.put("p95", Math.round(sorted[(int) Math.ceil(0.95 * sorted.length) - 1]));
        return p;
    }

    private static void say(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }
}
