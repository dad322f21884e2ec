package dev.upc.agent.state;

import java.time.Instant;

/**
 * The last CPU benchmark, so a restart does not spend a few hundred milliseconds of the owner's CPU before
 * registering; it is measured again when older than the configured age or when the CPU changed.
 *
 * @param score      speed relative to the reference CPU
 * @param cpuModel   the CPU it was measured on
 * @param measuredAt when
 */
public record CachedBenchmark(double score, String cpuModel, Instant measuredAt) {
}
