package dev.upc.scheduler.service;

import dev.upc.protocol.JobEventType;
import dev.upc.scheduler.job.Job;
import dev.upc.scheduler.job.JobEffects;
import dev.upc.scheduler.metrics.SchedulerMetrics;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Runs a {@link Job}'s transitions: each in its own transaction under the job's row lock, the job saved together with
 * the commands, history and checkpoints the transition produced. The moves it recorded then feed the metrics.
 */
@ApplicationScoped
public class JobTransitions {

    private final Pool pool;
    private final JobStore store;
    private final Clock clock;
    private final SchedulerMetrics metrics;

    JobTransitions(Pool pool, JobStore store, Clock clock, SchedulerMetrics metrics) {
        this.pool = pool;
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Applies {@code transition} to the job if it exists and {@code applies} holds for it (locked). Returns the job
     * as the transition left it, or null when there was no such job or it did not apply.
     */
    public Uni<Job> apply(String jobId, Predicate<Job> applies, BiConsumer<JobEffects, Job> transition) {
        record Applied(Job job, Tx tx) {
        }
        return pool.withTransaction(c -> store.lock(c, jobId).chain(job -> {
            if (job == null || !applies.test(job)) {
                return Uni.createFrom().<Applied>nullItem();
            }
            Tx tx = new Tx(c, store, clock.instant());
            transition.accept(tx, job);
            tx.save(job);
            return tx.run().replaceWith(new Applied(job, tx));
        })).map(applied -> {
            if (applied == null) {
                return null;
            }
            observe(applied.tx()); // committed
            return applied.job();
        });
    }

    /** Counts the migrations and evictions a committed transaction recorded. */
    void observe(Tx tx) {
        for (Tx.Recorded event : tx.events()) {
            if (event.type() == JobEventType.MIGRATED) {
                Object downtime = event.details().get("downtimeMillis");
                metrics.migrated(String.valueOf(event.details().get("reason")),
                        Duration.ofMillis(downtime instanceof Number n ? n.longValue() : 0));
            } else if (event.type() == JobEventType.EVICTED) {
                metrics.evicted(String.valueOf(event.details().get("reason")));
            }
        }
    }
}
