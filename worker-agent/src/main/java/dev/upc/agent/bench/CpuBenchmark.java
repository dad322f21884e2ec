package dev.upc.agent.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * A short single-core CPU benchmark. Its score is in the scheduler's unit: reference-CPU seconds of
 * work done per second, so 1.0 is one core of the reference machine and 2.0 finishes the same job in
 * half the time.
 *
 * <p>The kernel is a dependent chain of xorshift steps, multiplies and loads/stores into a 256 KiB
 * table (an L2-sized working set): it exercises the integer pipeline and the cache like ordinary job
 * code, cannot be vectorised or hoisted, and is not disturbed by DRAM contention from other cores.
 * After a warm-up that lets the JIT compile the kernel, it runs 20 short rounds and scores the fastest:
 * interference (an interrupt, another process, a busy SMT sibling or VM neighbour) only ever slows a
 * round down, so the best round is the steadiest estimate of what the core can do. On the shared
 * development VM the median of rounds varied by up to 2x between runs while the best round stayed
 * within a few percent.
 */
public final class CpuBenchmark {

    /**
     * Kernel iterations per second of one core of the reference machine, the UPC development VM
     * (2 vCPU "Intel(R) Xeon(R) Processor", family 6 model 207, 2.1 GHz, KVM; JDK 17 and 25, C2). Measured
     * as the median of 10 runs of {@code java -cp worker-agent/target/classes dev.upc.agent.bench.CpuBenchmark 10}
     * with this constant set to 1.0: 30 runs in 3 JVMs gave 1.19e8 to 1.41e8, median 1.35e8. A native image (no C2) scores lower on the same machine.
     */
    static final double REFERENCE_ITERATIONS_PER_SECOND = 1.35e8;

    public static final Duration DEFAULT_DURATION = Duration.ofMillis(300);

    private static final int TABLE_LONGS = 1 << 15; // 256 KiB
    private static final int CHUNK = 1 << 10;
    // Chunks between clock reads; small chunks make the kernel hot (and C2-compiled) early in the warm-up.
    private static final int BATCH = 16;
    private static final int ROUNDS = 20;

    // Every chunk's result lands here, so the JIT cannot prove the work dead and drop it.
    private static volatile long sink;

    private final Duration duration;

    public CpuBenchmark(Duration duration) {
        if (duration.toMillis() < 20) {
            throw new IllegalArgumentException("duration too short to measure: " + duration);
        }
        this.duration = duration;
    }

    public CpuBenchmark() {
        this(DEFAULT_DURATION);
    }

    /** Runs on the calling thread for about the configured duration. */
    public BenchmarkReport run() {
        long start = System.nanoTime();
        long[] table = new long[TABLE_LONGS];
        long state = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < table.length; i++) {
            state = xorshift(state);
            table[i] = state;
        }
        // A third of the time warms up: enough for C2 to compile the kernel (it is hot within milliseconds).
        long warmUpNanos = duration.toNanos() / 3;
        long roundNanos = (duration.toNanos() - warmUpNanos) / ROUNDS;
        long warmUpEnd = start + warmUpNanos;
        while (System.nanoTime() < warmUpEnd) {
            state = step(table, state);
        }
        double[] rates = new double[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long roundStart = System.nanoTime();
            long roundEnd = roundStart + roundNanos;
            long chunks = 0;
            long now;
            do {
                for (int c = 0; c < BATCH; c++) {
                    state = step(table, state);
                }
                chunks += BATCH;
                now = System.nanoTime();
            } while (now < roundEnd);
            rates[round] = chunks * (double) CHUNK * 1e9 / (now - roundStart);
        }
        Arrays.sort(rates);
        return new BenchmarkReport(rates[ROUNDS - 1] / REFERENCE_ITERATIONS_PER_SECOND,
                rates[ROUNDS / 2] / REFERENCE_ITERATIONS_PER_SECOND, rates[0] / REFERENCE_ITERATIONS_PER_SECOND,
                ROUNDS, Duration.ofNanos(System.nanoTime() - start));
    }

    private static long step(long[] table, long state) {
        long next = kernel(table, state, CHUNK);
        sink = next;
        return next;
    }

    static long kernel(long[] table, long state, int iterations) {
        int mask = table.length - 1;
        long acc = state;
        for (int i = 0; i < iterations; i++) {
            state = xorshift(state);
            // The index depends on the previous load, so loads cannot run ahead or be reordered away.
            int index = (int) ((state ^ acc) >>> 7) & mask;
            long value = table[index];
            acc = acc * 0x2545F4914F6CDD1DL + (value ^ (value >>> 29));
            table[index] = value + state;
        }
        return acc ^ state;
    }

    private static long xorshift(long x) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        return x;
    }

    /**
     * Prints one line per run; used to measure {@link #REFERENCE_ITERATIONS_PER_SECOND} and its spread.
     *
     * @param args optional number of runs (default 1)
     */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        CpuBenchmark benchmark = new CpuBenchmark();
        for (int i = 0; i < runs; i++) {
            BenchmarkReport report = benchmark.run();
            System.out.printf(Locale.ROOT, "{\"bench\":\"cpu\",\"score\":%.4f,\"medianRound\":%.4f,\"slowestRound\":%.4f,\"ms\":%d}%n",
                    report.score(), report.medianRound(), report.slowestRound(), report.elapsed().toMillis());
        }
    }
}
