package dev.upc.scheduler.learning;

import dev.upc.scheduler.policy.MigrationCosts;
import dev.upc.scheduler.policy.PolicySettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What moves cost, learned from the migrations done: each one's measured downtime ÷ what the settings' model
 * predicted for its size, smoothed per route (source → target PC) and over all routes, oldest first, so that recent
 * moves weigh most. A factor, not a replacement of the model, so that a route measured at one checkpoint size still
 * predicts another size sensibly. Pure: the history comes from the job events ({@link MigrationHistory}).
 */
public final class MigrationCostLearner {

    /** The weight of each newer migration against the ones before it. */
    static final double WEIGHT = 0.3;
    /** Factors are kept within these bounds: one odd measurement (a PC swapping) must not rule out moves for long. */
    static final double MIN_FACTOR = 0.25;
    static final double MAX_FACTOR = 20;

    /** One measured migration. */
    public record Measured(String from, String to, long sizeBytes, long downtimeMillis) {
    }

    private MigrationCostLearner() {
    }

    /** The costs learned from {@code history}, oldest first; the model itself when it is empty. */
    public static MigrationCosts learn(List<Measured> history, PolicySettings settings) {
        Map<MigrationCosts.Route, Double> byRoute = new HashMap<>();
        Double overall = null;
        for (Measured m : history) {
            if (m.from() == null || m.to() == null || m.downtimeMillis() <= 0) {
                continue;
            }
            double factor = clamp(m.downtimeMillis() / 1000.0 / settings.migrationSeconds(Math.max(0, m.sizeBytes())));
            byRoute.merge(new MigrationCosts.Route(m.from(), m.to()), factor, MigrationCostLearner::smooth);
            overall = overall == null ? factor : smooth(overall, factor);
        }
        return overall == null ? MigrationCosts.MODEL : new MigrationCosts(byRoute, overall);
    }

    private static double smooth(double learned, double measured) {
        return learned + WEIGHT * (measured - learned);
    }

    private static double clamp(double factor) {
        return Math.max(MIN_FACTOR, Math.min(MAX_FACTOR, factor));
    }
}
