package dev.upc.scheduler.simulation;

import dev.upc.scheduler.policy.HostFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** The workloads of {@code ./upc bench policy}. */
public final class Scenarios {

    static final HostFacts FACTS = new HostFacts("amd64", Set.of("sse4_2", "avx2"), "runc", "4.1.1");
    private static final long MIB = 1L << 20;

    private Scenarios() {
    }

    /**
     * The shape of the UPC paper's experiment: nine equal jobs on four PCs of different speed, one
     * core each; the fastest PC is in use by its owner for the first ten minutes and then frees up,
     * so a job can move there from a slow PC mid-run.
     */
    public static Scenario upcExperiment() {
        List<Scenario.Pc> pcs = List.of(
                pc("pc1", 1.0, 1, List.of()),
                pc("pc2", 1.3, 1, List.of()),
                pc("pc3", 1.7, 1, List.of()),
                pc("pc4", 2.6, 1, List.of(new Scenario.Session(0, 600))));
        List<Scenario.Job> jobs = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            jobs.add(new Scenario.Job("job" + i, 1800, 1800.0, 1, 256 * MIB, 0));
        }
        return new Scenario("upc-experiment", pcs, jobs);
    }

    /**
     * What {@code ./upc demo} runs, for its prediction: one PC per speed (one lent core each, reference-CPU seconds per
     * second, fastest first), whose first PC's owner uses it for {@code ownerBusySeconds} from the start; one job per
     * entry of {@code work} (its true work, reference-CPU seconds) with the matching estimate the submitter gave, all
     * submitted at 0, each checkpoint {@code checkpointBytes} large.
     */
    public static Scenario demo(List<Double> speeds, List<Double> work, List<Double> estimates,
                                double ownerBusySeconds, long checkpointBytes) {
        if (work.size() != estimates.size()) {
            throw new IllegalArgumentException("one estimate per job: " + work.size() + " jobs, "
                    + estimates.size() + " estimates");
        }
        List<Scenario.Pc> pcs = new ArrayList<>();
        for (int i = 0; i < speeds.size(); i++) {
            pcs.add(pc("pc" + (i + 1), speeds.get(i), 1,
                    i == 0 && ownerBusySeconds > 0 ? List.of(new Scenario.Session(0, ownerBusySeconds)) : List.of()));
        }
        List<Scenario.Job> jobs = new ArrayList<>();
        for (int i = 0; i < work.size(); i++) {
            jobs.add(new Scenario.Job("job-" + (i + 1), work.get(i), estimates.get(i), 1, checkpointBytes, 0));
        }
        return new Scenario("demo", pcs, jobs);
    }

    /**
     * Heterogeneous PCs (per-core speeds spread over 0.4–3, 1–4 lent cores) and jobs (lognormal
     * work, 60 s to 3 h of reference CPU, estimates off by ~20%, one in ten without estimate), all
     * submitted at once; a third of the owners come back once for about ten minutes.
     */
    public static Scenario random(long seed, int pcCount, int jobCount) {
        Random random = new Random(seed);
        List<Scenario.Pc> pcs = new ArrayList<>();
        for (int i = 0; i < pcCount; i++) {
            double score = clamp(Math.exp(random.nextGaussian() * 0.45), 0.4, 3.0);
            int cpus = new int[] {1, 2, 2, 4}[random.nextInt(4)];
            List<Scenario.Session> sessions = new ArrayList<>();
            if (random.nextDouble() < 0.33) {
                double start = random.nextDouble() * 3000;
                sessions.add(new Scenario.Session(start, start + 60 + exponential(random, 540)));
            }
            pcs.add(pc(String.format("pc%03d", i), round(score), cpus, sessions));
        }
        List<Scenario.Job> jobs = new ArrayList<>();
        for (int i = 0; i < jobCount; i++) {
            double work = Math.round(clamp(600 * Math.exp(random.nextGaussian() * 0.8), 60, 10_800));
            Double estimate = random.nextDouble() < 0.1 ? null
                    : (double) Math.round(work * Math.exp(random.nextGaussian() * 0.2));
            int cpus = random.nextDouble() < 0.1 ? 2 : 1;
            long memory = (64 + random.nextInt(960)) * MIB;
            jobs.add(new Scenario.Job(String.format("job%04d", i), work, estimate, cpus, memory, 0));
        }
        return new Scenario("random-" + pcCount + "pcs-" + jobCount + "jobs-seed" + seed, pcs, jobs);
    }

    private static Scenario.Pc pc(String id, double score, int cpus, List<Scenario.Session> sessions) {
        return new Scenario.Pc(id, score, cpus, FACTS, sessions);
    }

    private static double exponential(Random random, double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
