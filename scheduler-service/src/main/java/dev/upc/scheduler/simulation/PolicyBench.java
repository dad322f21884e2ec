package dev.upc.scheduler.simulation;

import dev.upc.scheduler.policy.ClusterSnapshot;
import dev.upc.scheduler.policy.EarliestFinishPolicy;
import dev.upc.scheduler.policy.FirstFreePolicy;
import dev.upc.scheduler.policy.HostFacts;
import dev.upc.scheduler.policy.JobView;
import dev.upc.scheduler.policy.PlacementPolicy;
import dev.upc.scheduler.policy.PolicySettings;
import dev.upc.scheduler.policy.WorkerView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * {@code ./upc bench policy}: every policy on every scenario in the simulator, then the time one
 * decision takes for 10,000 queued jobs on 1,000 workers. One JSON line per result on stdout.
 */
public final class PolicyBench {

    private PolicyBench() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args)));
    }

    public static int run(List<String> args) {
        int seeds = args.contains("--quick") ? 1 : 3;
        PolicySettings settings = PolicySettings.defaults();
        Simulator simulator = new Simulator(settings, 10);
        List<PlacementPolicy> policies = List.of(new FirstFreePolicy(),
                new EarliestFinishPolicy(settings.withoutMigration()), new EarliestFinishPolicy(settings));
        List<Scenario> scenarios = new ArrayList<>();
        scenarios.add(Scenarios.upcExperiment());
        for (long seed = 1; seed <= seeds; seed++) {
            scenarios.add(Scenarios.random(seed, 100, 1000));
        }
        for (Scenario scenario : scenarios) {
            for (PlacementPolicy policy : policies) {
                Simulator.Result r = simulator.run(scenario, policy);
                System.out.println(String.format(Locale.ROOT,
                        "{\"bench\":\"policy\",\"scenario\":\"%s\",\"policy\":\"%s\",\"makespan\":%.1f,"
                                + "\"lowerBound\":%.1f,\"ratio\":%.3f,\"migrations\":%d,\"evictions\":%d,"
                                + "\"decisions\":%d,\"meanDecideMs\":%.3f}",
                        r.scenario(), r.policy(), r.makespan(), r.lowerBound(), r.ratio(), r.migrations(),
                        r.evictions(), r.decideCalls(), r.decideNanos() / 1e6 / Math.max(1, r.decideCalls())));
            }
        }
        decideLatency(10_000, 1_000, settings);
        return 0;
    }

    /** One decision for a large queue: median of several calls after warm-up. */
    private static void decideLatency(int jobCount, int workerCount, PolicySettings settings) {
        Random random = new Random(42);
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        HostFacts facts = new HostFacts("amd64", java.util.Set.of("sse4_2"), "runc", "4.1.1");
        List<WorkerView> workers = new ArrayList<>();
        for (int i = 0; i < workerCount; i++) {
            workers.add(new WorkerView("w" + i, WorkerView.Liveness.ONLINE, random.nextDouble() < 0.1, false,
                    0.5 + random.nextDouble() * 2.5, 1 + random.nextInt(4), facts));
        }
        List<JobView> jobs = new ArrayList<>();
        for (int i = 0; i < jobCount; i++) {
            jobs.add(new JobView("j" + i, JobView.Phase.QUEUED, null, 1, 60 + random.nextDouble() * 3600, 0, 256L << 20,
                    true, null, 0, 3, 0, null, null));
        }
        ClusterSnapshot snapshot = new ClusterSnapshot(now, workers, jobs);
        EarliestFinishPolicy policy = new EarliestFinishPolicy(settings);
        long[] times = new long[9];
        for (int i = 0; i < 3; i++) {
            policy.decide(snapshot); // warm-up
        }
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            policy.decide(snapshot);
            times[i] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"policy\",\"op\":\"decide\",\"jobs\":%d,\"workers\":%d,\"ms\":%.1f}",
                jobCount, workerCount, times[times.length / 2] / 1e6));
    }
}
