package dev.upc.scheduler.policy;

import java.util.Map;

/**
 * What moves are expected to cost, as measured: the settings' model ({@link PolicySettings#migrationSeconds}) times a
 * factor learned from past migrations on each route (source → target PC), or the factor of all routes for a route
 * without history or a move whose source is not known (a restore of a queued job's checkpoint).
 *
 * @param factorByRoute measured downtime ÷ the model's, per route
 * @param overallFactor the same over all routes; 1 when nothing was measured
 */
public record MigrationCosts(Map<Route, Double> factorByRoute, double overallFactor) {

    /** The settings' model as it is, before anything was measured. */
    public static final MigrationCosts MODEL = new MigrationCosts(Map.of(), 1.0);

    public record Route(String from, String to) {
    }

    public MigrationCosts {
        factorByRoute = Map.copyOf(factorByRoute);
        if (!(overallFactor > 0) || factorByRoute.values().stream().anyMatch(f -> !(f > 0))) {
            throw new IllegalArgumentException("cost factors must be > 0");
        }
    }

    /** Seconds a job with a checkpoint of {@code bytes} is expected to stop while it moves from → to. */
    public double seconds(PolicySettings settings, String from, String to, long bytes) {
        double factor = from == null ? overallFactor : factorByRoute.getOrDefault(new Route(from, to), overallFactor);
        return factor * settings.migrationSeconds(bytes);
    }
}
