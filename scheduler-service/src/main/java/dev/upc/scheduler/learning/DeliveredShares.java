package dev.upc.scheduler.learning;

import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * How much of the CPU it promises each PC really delivers, learned from the heartbeats: between two heartbeats of a
 * PC, the CPU time its running job containers used ÷ the CPU time their quotas allowed. A PC's benchmark is taken
 * alone; under its owner's load, or on a host whose cores are shared (the simulated PCs of one machine), its jobs may
 * get less. The share is smoothed over heartbeats (exponentially, {@link #WEIGHT} per new one) and capped at 1: a PC
 * is never rated above its benchmark.
 *
 * <p>A job that does not want its whole quota (one that sleeps or waits for I/O) makes its PC look slower; UPC's
 * jobs are batch CPU work, for which this is the PC's speed. Not thread-safe: the planner owns one and feeds it each
 * round's workers. What it learned lives in memory: a replica that takes over planning learns again within a few
 * heartbeats.
 */
public final class DeliveredShares {

    /** The weight of a new measurement against what was learned before. */
    static final double WEIGHT = 0.3;
    /** A measurement needs at least this much allowed CPU time (core-seconds) to count: else it is mostly noise. */
    static final double MIN_ALLOWED_CORE_SECONDS = 0.5;
    /** No PC is rated below this share of its benchmark, so that one odd job cannot shut it out. */
    static final double FLOOR = 0.1;

    private record Sample(Instant at, double cpuSeconds) {
    }

    private final Map<String, Sample> lastByContainer = new HashMap<>();
    private final Map<String, Double> shareByWorker = new HashMap<>();

    /** Takes in the workers' latest heartbeats (one already seen changes nothing). */
    public void observe(List<WorkerInfo> workers) {
        Set<String> present = new HashSet<>();
        for (WorkerInfo worker : workers) {
            if (worker.latestReport() == null || worker.lastSeenAt() == null) {
                continue;
            }
            Instant at = worker.lastSeenAt();
            double used = 0;
            double allowed = 0;
            for (ContainerReport c : worker.latestReport().containers()) {
                if (!"running".equals(c.state()) || c.cpuLimit() == null || !(c.cpuLimit() > 0)) {
                    continue;
                }
                String key = worker.workerId() + "/" + c.jobId() + "/" + c.epoch();
                present.add(key);
                Sample before = lastByContainer.get(key);
                if (before != null && at.isAfter(before.at()) && c.cpuSeconds() >= before.cpuSeconds()) {
                    used += c.cpuSeconds() - before.cpuSeconds();
                    allowed += c.cpuLimit() * Duration.between(before.at(), at).toNanos() / 1e9;
                }
                if (before == null || at.isAfter(before.at())) {
                    lastByContainer.put(key, new Sample(at, c.cpuSeconds()));
                }
            }
            if (allowed >= MIN_ALLOWED_CORE_SECONDS) {
                double measured = Math.min(1.0, used / allowed);
                shareByWorker.merge(worker.workerId(), measured, (old, now) -> old + WEIGHT * (now - old));
            }
        }
        lastByContainer.keySet().retainAll(present);
    }

    /** The share of its benchmark the worker delivers, once measured. */
    public OptionalDouble share(String workerId) {
        Double share = shareByWorker.get(workerId);
        return share == null ? OptionalDouble.empty() : OptionalDouble.of(Math.max(FLOOR, share));
    }

    /** Every measured worker's share, for the snapshot. */
    public Map<String, Double> shares() {
        Map<String, Double> shares = new HashMap<>();
        shareByWorker.keySet().forEach(id -> shares.put(id, share(id).orElseThrow()));
        return shares;
    }
}
