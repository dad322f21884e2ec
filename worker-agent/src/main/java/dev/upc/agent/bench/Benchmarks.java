package dev.upc.agent.bench;

import dev.upc.agent.facts.MachineFacts;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.CachedBenchmark;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The CPU speed the agent reports: measured once and kept in the state file, so a restart costs the owner no CPU
 * and registers at once; measured again when older than {@code maxAge} or when the CPU model changed.
 */
public final class Benchmarks {

    private static final Logger LOG = Logger.getLogger(Benchmarks.class);

    private Benchmarks() {
    }

    public static double score(AgentState state, MachineFacts facts, Duration maxAge, Clock clock) {
        Optional<CachedBenchmark> cached = state.benchmark();
        if (cached.isPresent() && Objects.equals(cached.get().cpuModel(), facts.cpuModel())
                && cached.get().measuredAt().plus(maxAge).isAfter(clock.instant())) {
            return cached.get().score();
        }
        BenchmarkReport report = new CpuBenchmark().run();
        LOG.infof("CPU benchmark: score=%.3f (median round %.3f, slowest %.3f, %d rounds in %d ms)", report.score(),
                report.medianRound(), report.slowestRound(), report.rounds(), report.elapsed().toMillis());
        state.benchmark(new CachedBenchmark(report.score(), facts.cpuModel(), clock.instant()));
        return report.score();
    }
}
