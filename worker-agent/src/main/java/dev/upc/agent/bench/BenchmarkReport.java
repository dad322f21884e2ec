package dev.upc.agent.bench;

import java.time.Duration;

/**
 * Result of one {@link CpuBenchmark} run, in reference-CPU seconds per second.
 *
 * @param score        the fastest round: what the agent reports
 * @param medianRound  the median round, which shows how much the machine was disturbed
 * @param slowestRound the slowest round
 * @param rounds       measured rounds (after the warm-up)
 * @param elapsed      wall time of the whole run, warm-up included
 */
public record BenchmarkReport(double score, double medianRound, double slowestRound, int rounds, Duration elapsed) {
}
