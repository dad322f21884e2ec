package dev.upc.scheduler.planner;

import dev.upc.scheduler.policy.ClusterSnapshot;
import dev.upc.scheduler.policy.WorkerView;
import java.time.Duration;
import java.util.List;

/**
 * How many LOST workers' jobs a round may give away ({@link ClusterSnapshot#lostWorkerAllowance()}). Normally all. When
 * at least {@link #SHARE} of the PCs (of at least {@link #MIN_WORKERS}) are LOST at once, the likelier cause is the
 * lab's network or power, not the PCs: then one lost PC's jobs go per {@code interval}, Kubernetes' node lifecycle rule
 * for an unhealthy zone. A lab's nightly power-off does not requeue every job at once; PCs that come back keep theirs.
 */
final class MassLoss {

    /** Kubernetes' unhealthy-zone threshold. */
    static final double SHARE = 0.55;
    /** Below this many PCs, losing most of them is ordinary. */
    static final int MIN_WORKERS = 4;

    private final long intervalNanos;
    private long lastGivenAwayAt;
    private boolean gaveAway;

    MassLoss(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** The allowance of a round at {@code nowNanos} over {@code workers}. */
    synchronized int allowance(List<WorkerView> workers, long nowNanos) {
        if (!massLoss(workers)) {
            return ClusterSnapshot.ALL_LOST;
        }
        return !gaveAway || nowNanos - lastGivenAwayAt >= intervalNanos ? 1 : 0;
    }

    /** The round at {@code nowNanos} gave away the jobs of {@code workers} lost workers. */
    synchronized void gaveAway(int workers, long nowNanos) {
        if (workers > 0) {
            gaveAway = true;
            lastGivenAwayAt = nowNanos;
        }
    }

    static boolean massLoss(List<WorkerView> workers) {
        long lost = workers.stream().filter(w -> w.liveness() == WorkerView.Liveness.LOST).count();
        return workers.size() >= MIN_WORKERS && lost >= SHARE * workers.size();
    }
}
