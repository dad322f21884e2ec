package dev.upc.e2e.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.agent.control.HttpControlPlane;
import dev.upc.agent.control.StoreClient;
import dev.upc.cli.client.JobQuery;
import dev.upc.cli.client.UpcClient;
import dev.upc.e2e.cluster.ServiceCluster;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ImageArchive;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.WorkerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./upc bench soak}: the real services (one PostgreSQL, registry, scheduler, store, as processes) with many
 * protocol-level PCs ({@link SoakPc}: 100 podman services do not fit on two cores) and many jobs, under random faults
 * for a bounded time: PCs that crash (power lost, back after up to a minute, often past lost-after), PCs cut off from
 * the network for up to 40 s (past their lease), and scheduler restarts. Then the faults stop and every job runs to
 * its end. It ends with one JSON line:
 * {@code {"bench":"soak","agents":100,"jobs":1000,"minutes":…,"lostJobs":0,"doubleCopies":0,"p99CommandLatencyMs":…,"schedulerRssGrowthMiB":…}}
 * and passes (exit 0) with no job lost, no double copy, a p99 command latency (queued by the scheduler to received by
 * the PC, while it was up and reachable and no scheduler restart fell in between) of at most 2 s and a scheduler RSS
 * growth of at most 64 MiB (for each scheduler process, its last sample less its first a minute after its start; the
 * scheduler restarts fall in the first 60 % of the soak, so its last process runs for the rest). Progress on stderr.
 */
public final class SoakBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    private static final Duration LOST_AFTER = Duration.ofSeconds(20);
    private static final Duration LEASE = Duration.ofSeconds(10);
    private static final Duration SCHEDULER_RESTART_EVERY = Duration.ofMinutes(4);
    private static final int CPUS_PER_PC = 2;
    private static final String IMAGE = "localhost/upc/soak:1";

    /** What a soak runs: PCs, jobs, how long the faults go on, the seed of their randomness. */
    record Settings(int agents, int jobs, double minutes, long seed) {

        static Settings parse(List<String> args) {
            int agents = 100;
            int jobs = 1000;
            double minutes = 15;
            long seed = System.currentTimeMillis();
            for (int i = 0; i < args.size(); i += 2) {
                String value = i + 1 < args.size() ? args.get(i + 1) : null;
                if (value == null) {
                    throw new IllegalArgumentException(args.get(i) + " needs a value");
                }
                switch (args.get(i)) {
                    case "--agents" -> agents = Integer.parseInt(value);
                    case "--jobs" -> jobs = Integer.parseInt(value);
                    case "--minutes" -> minutes = Double.parseDouble(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown option " + args.get(i));
                }
            }
            if (agents < 1 || jobs < 1 || minutes <= 0) {
                throw new IllegalArgumentException("--agents, --jobs and --minutes must be positive");
            }
            return new Settings(agents, jobs, minutes, seed);
        }
    }

    private final Settings settings;
    private final ServiceCluster cluster;
    private final UpcClient admin;
    private final Random random;
    private final CopyLedger ledger = new CopyLedger();
    /** Command delivery delays of PCs that were up and reachable all along, and of all. */
    private final List<Long> deliveries = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> allDeliveries = Collections.synchronizedList(new ArrayList<>());
    /** When the scheduler was restarted: [stopped, ready] in epoch milliseconds. */
    private final List<long[]> restarts = Collections.synchronizedList(new ArrayList<>());
    private final List<SoakPc> pcs = new ArrayList<>();
    private final Map<String, Integer> faults = new LinkedHashMap<>();
    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    private final long t0 = System.nanoTime();
    private final List<RssSample> rssSamples = Collections.synchronizedList(new ArrayList<>());

    /** The scheduler's resident memory at one moment, and how long its process had run then. */
    private record RssSample(long pid, long sinceStartMillis, long kib) {
    }

    private SoakBench(Settings settings, ServiceCluster cluster) {
        this.settings = settings;
        this.cluster = cluster;
        this.admin = cluster.admin();
        this.random = new Random(settings.seed());
    }

    public static int run(List<String> args, Path work) {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.err.println("usage: ./upc bench soak [--agents 100] [--jobs 1000] [--minutes 15] [--seed N]");
            return 2;
        }
        Path dir;
        try {
            dir = Files.createDirectories(work.resolve("bench-soak").resolve("run-" + System.currentTimeMillis()));
        } catch (IOException e) {
            System.err.println("soak: " + e.getMessage());
            return 1;
        }
        say("soak: %d PCs, %d jobs, %.1f minutes of faults, seed %d; services in %s", settings.agents(),
                settings.jobs(), settings.minutes(), settings.seed(), dir);
        try (ServiceCluster cluster = ServiceCluster.builder().workDir(dir)
                .liveness(HEARTBEAT, LOST_AFTER.dividedBy(2), LOST_AFTER).start()) {
            SoakBench bench = new SoakBench(settings, cluster);
            try {
                Map<String, Object> result = bench.soak();
                System.out.println(JSON.writeValueAsString(result));
                return Boolean.TRUE.equals(result.get("passed")) ? 0 : 1;
            } finally {
                bench.pcs.forEach(SoakPc::close);
                bench.later.shutdownNow();
            }
        } catch (Exception e) {
            System.err.println("soak: FAILED: " + e);
            return 1;
        }
    }

    private Map<String, Object> soak() throws Exception {
        SoakPc.Shared shared = new SoakPc.Shared(new HttpControlPlane(cluster.registryUrl(), cluster.schedulerUrl()),
                new StoreClient(cluster.storeUrl()), cluster.joinToken(), HEARTBEAT, LEASE, ledger, this::delivered,
                SoakBench::say);
        for (int i = 1; i <= settings.agents(); i++) {
            SoakPc pc = new SoakPc(String.format(Locale.ROOT, "pc%03d", i), 0.5 + random.nextDouble(), CPUS_PER_PC,
                    shared);
            pcs.add(pc);
            pc.boot();
        }
        awaitOnline();
        List<String> jobs = submit();
        long faultsEnd = t0 + (long) (settings.minutes() * 60e9);
        // Scheduler restarts only in the first 60 %: its last process then runs long enough to show a leak.
        long restartsEnd = t0 + (long) (settings.minutes() * 0.6 * 60e9);
        long nextRestart = System.nanoTime() + SCHEDULER_RESTART_EVERY.toNanos();
        long nextReport = 0;
        while (System.nanoTime() < faultsEnd) {
            Thread.sleep(500 + random.nextInt(19_000)); // a fault every ten seconds on average
            if (System.nanoTime() >= faultsEnd) {
                break;
            }
            if (System.nanoTime() >= nextRestart && System.nanoTime() < restartsEnd) {
                long stopping = System.currentTimeMillis();
                cluster.restartScheduler();
                restarts.add(new long[] {stopping, System.currentTimeMillis()});
                count("schedulerRestarts");
                nextRestart = System.nanoTime() + SCHEDULER_RESTART_EVERY.toNanos();
            } else {
                fault();
            }
            sampleRss();
            if (System.nanoTime() >= nextReport) {
                progress(jobs);
                nextReport = System.nanoTime() + 30_000_000_000L;
            }
        }
        say("soak: faults over after %.1f min (%s); every PC back, every job to its end", minutes(), faults);
        later.shutdownNow();
        for (SoakPc pc : pcs) {
            pc.cut(false);
            if (!pc.up()) {
                pc.boot();
            }
        }
        Map<JobState, Integer> states = drain(jobs);
        int lost = jobs.size() - states.getOrDefault(JobState.SUCCEEDED, 0);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bench", "soak");
        result.put("agents", settings.agents());
        result.put("jobs", settings.jobs());
        result.put("minutes", Math.round(minutes() * 10) / 10.0);
        result.put("lostJobs", lost);
        result.put("doubleCopies", ledger.doubles().size());
        long p99 = percentile(deliveries, 99);
        result.put("p99CommandLatencyMs", p99);
        long growth = rssGrowthMiB();
        result.put("schedulerRssGrowthMiB", growth);
        result.put("p50CommandLatencyMs", percentile(deliveries, 50));
        result.put("commands", deliveries.size());
        result.put("p99CommandLatencyWithFaultsMs", percentile(allDeliveries, 99));
        result.put("commandsWithFaults", allDeliveries.size());
        result.put("faults", faults);
        result.put("states", states);
        result.put("seed", settings.seed());
        result.put("passed", lost == 0 && ledger.doubles().isEmpty() && p99 <= 2000 && growth <= 64);
        ledger.doubles().stream().limit(10).forEach(d -> say("soak: DOUBLE COPY %s", d));
        return result;
    }

    private void awaitOnline() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long online;
        while ((online = admin.workers().stream().filter(w -> w.status() == WorkerStatus.ONLINE).count())
                < settings.agents()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + online + " of " + settings.agents() + " PCs online");
            }
            Thread.sleep(1000);
        }
        say("soak: %d PCs online after %.1f s", online, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The jobs: work in seconds of a speed-1 PC, chosen so that without faults the PCs would be busy for about 90 % of
     * the soak's length (a first run at two-thirds finished every job by 11 of 15 minutes, leaving the last faults
     * to idle PCs); a periodic checkpoint every 30 s.
     */
    private List<String> submit() throws IOException {
        Path image = Files.writeString(cluster.workDir().resolve("soak-image.tar"), "the soak's PCs run no image");
        admin.putBlob(BlobKind.IMAGES, ImageArchive.blobId(IMAGE), image); // the scheduler checks it is there
        double capacity = settings.agents() * CPUS_PER_PC * settings.minutes() * 60;
        double mean = Math.max(10, 0.9 * capacity / settings.jobs());
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= settings.jobs(); i++) {
            long work = Math.round(mean * (0.5 + random.nextDouble()));
            ids.add(admin.submit(new JobSubmission("soak-" + i, IMAGE,
                    List.of("soak", "--work", Long.toString(work)), Map.of(), 1, 64L, (double) work, 30L, true, 3,
                    null, null)).id());
        }
        say("soak: %d jobs submitted (work %.0f s on average) after %.1f s", ids.size(), mean,
                (System.nanoTime() - t0) / 1e9);
        return ids;
    }

    private void fault() {
        SoakPc pc = pcs.get(random.nextInt(pcs.size()));
        if (!pc.up()) {
            return;
        }
        long seconds;
        if (random.nextBoolean()) {
            seconds = 5 + random.nextInt(56);
            pc.crash();
            count("crashes");
            later.schedule(() -> {
                if (!pc.up()) {
                    pc.boot();
                }
            }, seconds, TimeUnit.SECONDS);
        } else {
            seconds = 5 + random.nextInt(36);
            pc.cut(true);
            count("partitions");
            later.schedule(() -> pc.cut(false), seconds, TimeUnit.SECONDS);
        }
    }

    private void count(String fault) {
        faults.merge(fault, 1, Integer::sum);
    }

    private Map<JobState, Integer> drain(List<String> jobs) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        Map<JobState, Integer> states;
        int rounds = 0;
        while (true) {
            states = states(jobs);
            int open = jobs.size() - states.entrySet().stream().filter(e -> e.getKey().terminal())
                    .mapToInt(Map.Entry::getValue).sum();
            sampleRss();
            if (open == 0 || System.nanoTime() > deadline) {
                if (open > 0) {
                    explainOpen(jobs);
                }
                return states;
            }
            say("soak: %.1f min: %s", minutes(), states);
            if (++rounds % 8 == 0) {
                explainOpen(jobs);
            }
            Thread.sleep(15_000);
        }
    }

    /** The jobs not over yet, where they are and what last happened to them. */
    private void explainOpen(List<String> jobs) {
        java.util.Set<String> ours = new java.util.HashSet<>(jobs);
        int shown = 0;
        for (JobInfo job : admin.allJobs(JobQuery.everyone())) {
            if (ours.contains(job.id()) && !job.state().terminal() && shown++ < 10) {
                List<dev.upc.protocol.JobEvent> events = admin.events(job.id());
                say("soak: open job %s %s on %s epoch %d; last events %s", job.id(), job.state(), job.workerId(),
                        job.epoch(), events.subList(Math.max(0, events.size() - 4), events.size()).stream()
                                .map(e -> e.type() + " " + e.details()).toList());
            }
        }
    }

    private Map<JobState, Integer> states(List<String> jobs) {
        Map<JobState, Integer> states = new EnumMap<>(JobState.class);
        java.util.Set<String> ours = new java.util.HashSet<>(jobs);
        for (JobInfo job : admin.allJobs(JobQuery.everyone())) {
            if (ours.contains(job.id())) {
                states.merge(job.state(), 1, Integer::sum);
            }
        }
        return states;
    }

    private void progress(List<String> jobs) {
        long down = pcs.stream().filter(pc -> !pc.up()).count();
        say("soak: %.1f min: %s; %d PCs down; faults %s; %d commands, p99 %d ms; doubles %d", minutes(),
                states(jobs), down, faults, deliveries.size(), percentile(deliveries, 99), ledger.doubles().size());
    }

    /** The scheduler's resident memory now, with the time since its last start. */
    private void sampleRss() {
        cluster.process(ServiceCluster.Service.SCHEDULER).ifPresent(process -> {
            try {
                long startedMillis = process.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rssSamples.add(new RssSample(process.pid(), System.currentTimeMillis() - startedMillis,
                                Long.parseLong(line.replaceAll("[^0-9]", ""))));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // restarting: no sample
            }
        });
    }

    /**
     * RSS growth of the scheduler: for each of its processes, its last sample less its first a minute or more after
     * its start; the largest.
     */
    private long rssGrowthMiB() {
        List<RssSample> samples;
        synchronized (rssSamples) {
            samples = List.copyOf(rssSamples);
        }
        Map<Long, List<RssSample>> byProcess = new LinkedHashMap<>();
        samples.stream().filter(s -> s.sinceStartMillis() >= 60_000)
                .forEach(s -> byProcess.computeIfAbsent(s.pid(), pid -> new ArrayList<>()).add(s));
        return byProcess.values().stream().mapToLong(list -> Math.max(0,
                (list.get(list.size() - 1).kib() - list.get(0).kib()) / 1024)).max().orElse(-1);
    }

    /**
     * A command reached a PC: its delay counts as the scheduler's when the PC was up and reachable all along and no
     * scheduler restart fell in between; every delay counts among those with faults.
     */
    private void delivered(java.time.Instant queued, java.time.Instant received, boolean calm) {
        long millis = Math.max(0, received.toEpochMilli() - queued.toEpochMilli());
        allDeliveries.add(millis);
        boolean restarted;
        synchronized (restarts) {
            restarted = restarts.stream().anyMatch(r -> r[0] <= received.toEpochMilli()
                    && r[1] >= queued.toEpochMilli());
        }
        if (calm && !restarted) {
            deliveries.add(millis);
        }
    }

    private static long percentile(List<Long> values, int p) {
        List<Long> sorted;
        synchronized (values) {
            sorted = new ArrayList<>(values);
        }
        if (sorted.isEmpty()) {
            return -1;
        }
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private double minutes() {
        return (System.nanoTime() - t0) / 60e9;
    }

    private static void say(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }
}
