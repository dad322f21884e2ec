package dev.upc.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuBenchmarkTest {

    /**
     * The report is consistent. How stable the score is from run to run is a matter for a benchmark, not
     * a test: this VM's core speed drifts by ~10% for seconds at a time (measured while writing this).
     */
    @Test
    void reportsTheBestRoundAsTheScore() {
        BenchmarkReport report = new CpuBenchmark().run();

        assertThat(report.rounds()).isPositive();
        assertThat(report.score()).isPositive().isFinite();
        assertThat(report.score()).isGreaterThanOrEqualTo(report.medianRound());
        assertThat(report.medianRound()).isGreaterThanOrEqualTo(report.slowestRound());
        assertThat(report.elapsed()).isGreaterThanOrEqualTo(CpuBenchmark.DEFAULT_DURATION.dividedBy(2));
    }

    @Test
    void kernelIsDeterministicSoEveryRunDoesTheSameWork() {
        long[] a = new long[1 << 15];
        long[] b = new long[1 << 15];
        assertThat(CpuBenchmark.kernel(a, 42, 10_000)).isEqualTo(CpuBenchmark.kernel(b, 42, 10_000)).isNotZero();
        assertThat(a).isEqualTo(b);
    }
}
