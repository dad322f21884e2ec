package dev.upc.scheduler.service;

import dev.upc.scheduler.metrics.SchedulerMetrics;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/** Recounts jobs per state on every replica (the planner also does after each round), so a scrape never queries. */
@ApplicationScoped
public class JobCountRefresh {

    private final Pool pool;
    private final JobStore store;
    private final SchedulerMetrics metrics;

    JobCountRefresh(Pool pool, JobStore store, SchedulerMetrics metrics) {
        this.pool = pool;
        this.store = store;
        this.metrics = metrics;
    }

    @Scheduled(every = "15s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        return store.countByState(pool).invoke(metrics::jobCounts).replaceWithVoid()
                .onFailure().recoverWithNull();
    }
}
