package dev.upc.registry.metrics;

import dev.upc.protocol.WorkerStatus;
import dev.upc.registry.service.Liveness;
import dev.upc.registry.service.OutageGrace;
import dev.upc.registry.service.WorkerNotFoundException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import dev.upc.servicehttp.DatabaseMigration;
import dev.upc.servicehttp.ReadinessProblems;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * upc_registry_workers{status} (recounted from the database every metrics-refresh, so a scrape never waits on
 * it), upc_registry_heartbeats_total{outcome} and the upc_registry_heartbeat_seconds timer.
 */
@Singleton
public class RegistryMetrics {

    private static final String COUNT_BY_STATUS = """
            SELECT count(*) FILTER (WHERE last_seen > $1),
                   count(*) FILTER (WHERE last_seen <= $1 AND last_seen > $2),
                   count(*) FILTER (WHERE last_seen <= $2)
              FROM workers""";

    private final ReadinessProblems problems;
    private final Pool pool;
    private final Clock clock;
    private final Liveness liveness;
    private final OutageGrace grace;
    private final Map<WorkerStatus, AtomicLong> workersByStatus = new EnumMap<>(WorkerStatus.class);
    private final Timer heartbeatTimer;
    private final Counter accepted;
    private final Counter unknownWorker;
    private final Counter failed;

    RegistryMetrics(MeterRegistry registry, Pool pool, Clock clock, Liveness liveness, ReadinessProblems problems,
                    OutageGrace grace) {
        this.problems = problems;
        this.grace = grace;
        this.pool = pool;
        this.clock = clock;
        this.liveness = liveness;
        for (WorkerStatus status : WorkerStatus.values()) {
            AtomicLong count = new AtomicLong();
            workersByStatus.put(status, count);
            Gauge.builder("upc.registry.workers", count, AtomicLong::get)
                    .description("Registered workers by liveness status")
                    .tag("status", status.name())
                    .register(registry);
        }
        this.heartbeatTimer = Timer.builder("upc.registry.heartbeat")
                .description("Time to record a heartbeat in the database")
                .publishPercentileHistogram()
                .register(registry);
        this.accepted = heartbeats(registry, "accepted");
        this.unknownWorker = heartbeats(registry, "unknown_worker");
        this.failed = heartbeats(registry, "failed");
    }

    public Timer.Sample heartbeatStarted() {
        return Timer.start();
    }

    public void heartbeatFinished(Timer.Sample sample, Throwable failure) {
        sample.stop(heartbeatTimer);
        if (failure == null) {
            accepted.increment();
        } else if (failure instanceof WorkerNotFoundException) {
            unknownWorker.increment();
        } else {
            failed.increment();
        }
    }

    /** Recounts the workers per status; also called by tests that want a fresh gauge. */
    @Scheduled(every = "${upc.registry.metrics-refresh:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> refreshWorkerGauges() {
        if (problems.has(DatabaseMigration.CHECK)) {
            return Uni.createFrom().voidItem(); // nothing to count yet; DatabaseMigration says why
        }
        Instant now = clock.instant();
        return pool.preparedQuery(COUNT_BY_STATUS)
                .execute(Tuple.of(utc(liveness.onlineCutoff(now, grace.outage())),
                        utc(liveness.lostCutoff(now, grace.outage()))))
                .invoke(rows -> {
                    Row row = rows.iterator().next();
                    workersByStatus.get(WorkerStatus.ONLINE).set(row.getLong(0));
                    workersByStatus.get(WorkerStatus.SUSPECT).set(row.getLong(1));
                    workersByStatus.get(WorkerStatus.LOST).set(row.getLong(2));
                })
                .replaceWithVoid();
    }

    private static Counter heartbeats(MeterRegistry registry, String outcome) {
        return Counter.builder("upc.registry.heartbeats")
                .description("Heartbeats received, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
