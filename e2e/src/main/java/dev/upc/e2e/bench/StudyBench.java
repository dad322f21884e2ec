package dev.upc.e2e.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.cli.client.UpcClient;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterOutput;
import dev.upc.e2e.local.LocalCluster;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./upc bench study}: the UPC study's own measurement. Each job of the demo's sizes runs twice at the same time
 * on two slow PCs of equal speed: one copy stays to the end, the other is moved to the fast PC once its log shows half
 * its work done. The stayed copy is the baseline in the same run; the time saved is the difference of the two run
 * times (first start to end), so it is net of the moved copy's downtime, which is reported beside it. One JSON line per
 * job on stdout, then a summary line:
 * <pre>{"bench":"study","job":"job-1","units":24,"staySeconds":…,"movedSeconds":…,"savedSeconds":…,
 * "downtimeSeconds":…,"continued":true}</pre>
 * The scheduler's migration for speed is off, so the only move is the one the bench asks for; the fast PC is drained
 * while the two copies are placed, so both start on the slow PCs.
 */
public final class StudyBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);
    private static final int MEM_MIB = 32;

    private final Options options;
    private final UpcClient admin;
    private final String fastWorker;

    private StudyBench(Options options, UpcClient admin, String fastWorker) {
        this.options = options;
        this.admin = admin;
        this.fastWorker = fastWorker;
    }

    /** {@code --slow PERCENT --fast PERCENT --units 24,17,…}: the slow PCs' and the fast PC's quota, the jobs. */
    record Options(int slow, int fast, List<Integer> units) {

        static Options parse(List<String> args) {
            int slow = 20;
            int fast = 80;
            List<Integer> units = List.of(24, 17, 16, 7, 4, 3, 2, 2, 2);
            for (int i = 0; i + 1 < args.size(); i += 2) {
                String value = args.get(i + 1);
                switch (args.get(i)) {
                    case "--slow" -> slow = Integer.parseInt(value);
                    case "--fast" -> fast = Integer.parseInt(value);
                    case "--units" -> units = Arrays.stream(value.split(",")).map(String::trim).map(Integer::valueOf)
                            .toList();
                    default -> throw new IllegalArgumentException("unknown option " + args.get(i));
                }
            }
            if (args.size() % 2 != 0) {
                throw new IllegalArgumentException(args.get(args.size() - 1) + " wants a value");
            }
            if (slow < 1 || fast <= slow || fast > 100 || units.stream().anyMatch(u -> u < 2)) {
                throw new IllegalArgumentException("wants 1 <= --slow < --fast <= 100 and jobs of 2 units or more");
            }
            return new Options(slow, fast, units);
        }
    }

    /** One job's pair of runs. */
    record Pair(String job, int units, double staySeconds, double movedSeconds, double downtimeSeconds,
                boolean continued) {

        double savedSeconds() {
            return staySeconds - movedSeconds;
        }
    }

    public static int run(List<String> args, Path work) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("usage: ./upc bench study [--slow 20] [--fast 80] [--units 24,17,16,7,4,3,2,2,2]: "
                    + e.getMessage());
            return 2;
        }
        List<LocalCluster.Pc> pcs = List.of(new LocalCluster.Pc("slow-a", options.slow()),
                new LocalCluster.Pc("slow-b", options.slow()), new LocalCluster.Pc("fast", options.fast()));
        say("study: %s units, each twice on a %d %% PC, one copy moved half-way to the %d %% PC", options.units(),
                options.slow(), options.fast());
        // A directory per run: a failed run keeps its logs, and the next run must not trip over its keys.
        Path dir = work.resolve("bench-study").resolve("run-" + System.currentTimeMillis());
        try (LocalCluster cluster = LocalCluster.start(new LocalCluster.Spec(dir, pcs,
                Map.of("upc.scheduler.policy.migrate-for-speed", "false"), null, true), line -> say("%s", line))) {
            UpcClient admin = cluster.services().admin();
            StudyBench bench = new StudyBench(options, admin, cluster.pcs().get("fast").workerId());
            List<Pair> pairs = new ArrayList<>();
            for (int i = 0; i < options.units().size(); i++) {
                Pair pair = bench.pair("job-" + (i + 1), options.units().get(i));
                pairs.add(pair);
                System.out.println(json(pair));
            }
            System.out.println(summary(pairs, options));
            return pairs.stream().allMatch(Pair::continued) ? 0 : 1;
        } catch (RuntimeException | InterruptedException e) {
            say("study: FAILED: %s", e.getMessage());
            return 1;
        }
    }

    private Pair pair(String name, int units) throws InterruptedException {
        admin.drain(fastWorker);
        String stay = submit(name + "-stay", units);
        String moved = submit(name + "-moved", units);
        admin.awaitJob(stay, StudyBench::running, JOB_TIMEOUT);
        admin.awaitJob(moved, StudyBench::running, JOB_TIMEOUT);
        admin.undrain(fastWorker);
        CounterOutput.awaitTick(admin, moved, (units + 1) / 2, JOB_TIMEOUT);
        admin.migrate(moved, fastWorker);
        admin.awaitJob(stay, StudyBench::ended, JOB_TIMEOUT);
        admin.awaitJob(moved, StudyBench::ended, JOB_TIMEOUT);
        CounterOutput output = CounterOutput.ofJob(admin, moved);
        boolean continued = output.starts() == 1 && output.consecutive() && output.lastTick() == units
                && output.memoryFailures() == 0 && admin.job(moved).state() == JobState.SUCCEEDED
                && admin.job(stay).state() == JobState.SUCCEEDED;
        Pair pair = new Pair(name, units, runSeconds(admin.events(stay)), runSeconds(admin.events(moved)),
                downtimeSeconds(admin.events(moved)), continued);
        say("study: %s (%d units): stayed %.1f s, moved %.1f s (downtime %.2f s): saved %.1f s%s", name, units,
                pair.staySeconds(), pair.movedSeconds(), pair.downtimeSeconds(), pair.savedSeconds(),
                continued ? "" : "; the moved copy did NOT continue as one run");
        return pair;
    }

    private String submit(String name, int units) {
        List<String> command = List.of(CounterImage.PROGRAM, "--work", Integer.toString(units), "--mem",
                Integer.toString(MEM_MIB));
        return admin.submit(new JobSubmission(name, CounterImage.REFERENCE, command, Map.of(), 1, 2L * MEM_MIB,
                (double) units, 0L, true, null, null, null)).id();
    }


    private static boolean running(JobInfo job) {
        return job.state() == JobState.RUNNING && job.workerId() != null || ended(job);
    }

    private static boolean ended(JobInfo job) {
        return job.state() == JobState.SUCCEEDED || job.state() == JobState.FAILED
                || job.state() == JobState.CANCELLED;
    }

    /** First start to the job's end, in seconds: the time it held PCs, the downtime of a move included. */
    static double runSeconds(List<JobEvent> events) {
        Instant started = null;
        Instant ended = null;
        for (JobEvent event : events) {
            if (event.type() == JobEventType.STARTED && started == null) {
                started = event.at();
            }
            if (event.type() == JobEventType.SUCCEEDED || event.type() == JobEventType.FAILED) {
                ended = event.at();
            }
        }
        if (started == null || ended == null) {
            throw new IllegalStateException("a job's history lacks its start or end: " + events);
        }
        return Duration.between(started, ended).toMillis() / 1000.0;
    }

    static double downtimeSeconds(List<JobEvent> events) {
        return events.stream().filter(event -> event.type() == JobEventType.MIGRATED)
                .mapToDouble(event -> event.details().get("downtimeMillis") instanceof Number n
                        ? n.doubleValue() / 1000 : 0)
                .sum();
    }

    private static String json(Pair pair) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("bench", "study");
        line.put("job", pair.job());
        line.put("units", pair.units());
        line.put("staySeconds", round(pair.staySeconds()));
        line.put("movedSeconds", round(pair.movedSeconds()));
        line.put("savedSeconds", round(pair.savedSeconds()));
        line.put("downtimeSeconds", round(pair.downtimeSeconds()));
        line.put("continued", pair.continued());
        return write(line);
    }

    private static String summary(List<Pair> pairs, Options options) {
        double stay = pairs.stream().mapToDouble(Pair::staySeconds).sum();
        double moved = pairs.stream().mapToDouble(Pair::movedSeconds).sum();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("bench", "study");
        line.put("summary", true);
        line.put("slowPercent", options.slow());
        line.put("fastPercent", options.fast());
        line.put("staySeconds", round(stay));
        line.put("movedSeconds", round(moved));
        line.put("ratio", Math.round(moved / stay * 1000) / 1000.0);
        line.put("meanDowntimeSeconds", round(pairs.stream().mapToDouble(Pair::downtimeSeconds).average()
                .orElse(0)));
        line.put("jobsThatGained", pairs.stream().filter(pair -> pair.savedSeconds() > 0).count());
        return write(line);
    }

    private static String write(Map<String, Object> line) {
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a result line", e);
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static void say(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }
}
