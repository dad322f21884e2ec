package dev.upc.scheduler.learning;

import dev.upc.scheduler.policy.MigrationCosts;
import java.util.Map;

/**
 * What the planner has learned so far about the cluster.
 *
 * @param deliveredShares the share of its benchmark each measured PC delivers (see {@link DeliveredShares})
 * @param migrationCosts  what moves cost (see {@link MigrationCostLearner})
 */
public record Learned(Map<String, Double> deliveredShares, MigrationCosts migrationCosts) {

    /** Before anything was measured: benchmarks and the settings' cost model as they are. */
    public static final Learned NOTHING = new Learned(Map.of(), MigrationCosts.MODEL);

    public Learned {
        deliveredShares = Map.copyOf(deliveredShares);
    }

    /** The worker's benchmark score as the policy should plan with it. */
    public double score(String workerId, double benchmarkScore) {
        return benchmarkScore * deliveredShares.getOrDefault(workerId, 1.0);
    }
}
