package dev.upc.agent.driver;

/**
 * What a task may use: {@code cpuQuotaMicros} of CPU time every {@code cpuPeriodMicros} (so 50,000 of 100,000 is half a
 * core), and at most {@code memoryBytes} of memory ({@code null}: unchanged, or none at creation).
 */
public record TaskLimits(long cpuQuotaMicros, long cpuPeriodMicros, Long memoryBytes) {

    public static final long DEFAULT_PERIOD_MICROS = 100_000;
    /** The kernel's smallest CPU quota. */
    public static final long MIN_QUOTA_MICROS = 1_000;
    /** The kernel's longest CPU period. */
    public static final long MAX_PERIOD_MICROS = 1_000_000;
    /** A suspended task's CPU: the smallest quota in the longest period, 0.1 % of a core. */
    public static final TaskLimits SUSPENDED = new TaskLimits(MIN_QUOTA_MICROS, MAX_PERIOD_MICROS, null);

    public TaskLimits {
        if (cpuQuotaMicros < MIN_QUOTA_MICROS) {
            throw new IllegalArgumentException("cpu quota must be at least 1000 µs, was " + cpuQuotaMicros);
        }
        if (cpuPeriodMicros < MIN_QUOTA_MICROS || cpuPeriodMicros > MAX_PERIOD_MICROS) {
            throw new IllegalArgumentException("cpu period must be 1000 to 1000000 µs, was " + cpuPeriodMicros);
        }
        if (memoryBytes != null && memoryBytes < 6L * 1024 * 1024) {
            throw new IllegalArgumentException("memory limit below 6 MiB: " + memoryBytes);
        }
    }

    /** {@code cpus} cores' worth of CPU time (at least the smallest quota) and {@code memoryBytes}. */
    public static TaskLimits of(double cpus, Long memoryBytes) {
        return new TaskLimits(Math.max(MIN_QUOTA_MICROS, Math.round(cpus * DEFAULT_PERIOD_MICROS)),
                DEFAULT_PERIOD_MICROS, memoryBytes);
    }
}
