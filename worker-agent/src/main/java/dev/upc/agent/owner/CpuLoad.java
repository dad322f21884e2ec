package dev.upc.agent.owner;

import java.time.Duration;

/**
 * The CPU use of everything but the jobs between two samples.
 *
 * @param fraction the share of all the CPUs' time, 0..1
 * @param cores    the same in cores: {@code fraction × cpus}, e.g. 0.5 = half of one core busy on average
 */
public record CpuLoad(double fraction, double cores) {

    public static final CpuLoad NONE = new CpuLoad(0, 0);

    /**
     * @param jobCpu   the CPU time the jobs used between the two samples
     * @param ticksPerSecond USER_HZ, the unit of {@code /proc/stat}
     */
    public static CpuLoad between(CpuTimes before, CpuTimes after, Duration jobCpu, long ticksPerSecond) {
        long total = after.totalTicks() - before.totalTicks();
        if (total <= 0) {
            // Two samples within one tick, or the counters went back (CPU hot-unplug): nothing to measure.
            return NONE;
        }
        long busy = Math.max(0, after.busyTicks() - before.busyTicks());
        double jobTicks = Math.max(0, jobCpu.toNanos()) * (double) ticksPerSecond / 1_000_000_000d;
        // The job counter and /proc/stat are read a moment apart, so the jobs can seem to use a bit more than all.
        double ownBusy = Math.max(0, busy - jobTicks);
        double fraction = Math.min(1, ownBusy / total);
        return new CpuLoad(fraction, fraction * after.cpus());
    }
}
