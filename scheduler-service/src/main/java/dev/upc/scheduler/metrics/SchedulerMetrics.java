package dev.upc.scheduler.metrics;

import dev.upc.protocol.JobState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * upc_scheduler_jobs{state} (recounted by the planner and a periodic refresh, never during a scrape),
 * upc_scheduler_migrations_total{reason}, upc_scheduler_evictions_total{reason}, the
 * upc_scheduler_migration_downtime_seconds histogram and the upc_scheduler_decision_seconds timer.
 */
@Singleton
public class SchedulerMetrics {

    private final MeterRegistry registry;
    private final Map<JobState, AtomicLong> jobsByState = new EnumMap<>(JobState.class);
    private final Timer downtime;
    private final Timer decision;

    SchedulerMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (JobState state : JobState.values()) {
            AtomicLong count = new AtomicLong();
            jobsByState.put(state, count);
            Gauge.builder("upc.scheduler.jobs", count, AtomicLong::get)
                    .description("Jobs by state").tag("state", state.name()).register(registry);
        }
        this.downtime = Timer.builder("upc.scheduler.migration.downtime")
                .description("From a migration's CHECKPOINT to the target's RESTORED")
                .publishPercentileHistogram().register(registry);
        this.decision = Timer.builder("upc.scheduler.decision")
                .description("Time the placement policy takes for one decision round")
                .publishPercentileHistogram().register(registry);
    }

    /** 1 while this replica holds the planner lock: summed over the replicas, anything but 1 is worth an alert. */
    public void plannerLeader(java.util.function.BooleanSupplier leader) {
        Gauge.builder("upc.scheduler.planner.leader", () -> leader.getAsBoolean() ? 1 : 0)
                .description("1 while this replica plans (holds the planner lock)").register(registry);
    }

    public void jobCounts(Map<String, Long> counts) {
        jobsByState.forEach((state, gauge) -> gauge.set(counts.getOrDefault(state.name(), 0L)));
    }

    public void migrated(String reason, Duration downtime) {
        Counter.builder("upc.scheduler.migrations").description("Completed migrations by reason")
                .tag("reason", reason == null ? "UNKNOWN" : reason).register(registry).increment();
        this.downtime.record(downtime);
    }

    public void evicted(String reason) {
        Counter.builder("upc.scheduler.evictions").description("Jobs checkpointed off their worker by reason")
                .tag("reason", reason == null ? "UNKNOWN" : reason).register(registry).increment();
    }

    public void decided(Duration took) {
        decision.record(took);
    }
}
