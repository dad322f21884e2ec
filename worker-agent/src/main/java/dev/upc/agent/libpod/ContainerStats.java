package dev.upc.agent.libpod;

/** A point-in-time resource reading of one container. */
public record ContainerStats(long cpuNanos, long memoryUsageBytes, long memoryLimitBytes, long pids) {

    public double cpuSeconds() {
        return cpuNanos / 1e9;
    }
}
