package dev.upc.scheduler.learning;

import dev.upc.protocol.WorkerInfo;
import dev.upc.scheduler.policy.PolicySettings;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The planner's memory of what the cluster really does: each round it takes in the heartbeats (how much CPU each PC
 * delivers) and the newest migrations (what moves cost), and the policy plans with the result instead of the
 * benchmarks and the configured cost model alone. A manual migration asks for the latest.
 */
@ApplicationScoped
public class Learner {

    private static final Logger LOG = Logger.getLogger(Learner.class);
    /** A PC's rating is logged again when its share moved this much since it was last logged. */
    private static final double LOGGED_CHANGE = 0.1;

    private final PolicySettings settings;
    private final DeliveredShares shares = new DeliveredShares();
    private final Map<String, Double> logged = new HashMap<>();
    private volatile Learned current = Learned.NOTHING;

    Learner(PolicySettings settings) {
        this.settings = settings;
    }

    /** Takes in this round's workers and the newest migrations; returns what is known now. */
    public Uni<Learned> update(SqlClient c, List<WorkerInfo> workers) {
        Map<String, Double> delivered;
        synchronized (shares) {
            shares.observe(workers);
            delivered = shares.shares();
            logChanges(delivered, workers);
        }
        return MigrationHistory.recent(c)
                .map(history -> MigrationCostLearner.learn(history, settings))
                .onFailure().invoke(failure -> LOG.warnf("cannot read the migration history, planning with the "
                        + "costs learned before: %s", failure.toString()))
                .onFailure().recoverWithItem(() -> current.migrationCosts())
                .map(costs -> current = new Learned(delivered, costs));
    }

    /** The latest of {@link #update}. */
    public Learned current() {
        return current;
    }

    private void logChanges(Map<String, Double> delivered, List<WorkerInfo> workers) {
        for (WorkerInfo worker : workers) {
            Double share = delivered.get(worker.workerId());
            Double before = logged.get(worker.workerId());
            if (share != null && (before == null ? share < 1 - LOGGED_CHANGE
                    : Math.abs(share - before) >= LOGGED_CHANGE)) {
                logged.put(worker.workerId(), share);
                double benchmark = worker.registration().benchmarkScore();
                LOG.info(String.format(Locale.ROOT, "worker %s delivers %.0f %% of the CPU it promises: planned at %.2f"
                        + " instead of its benchmark's %.2f", worker.workerId(), share * 100, benchmark * share,
                        benchmark));
            }
        }
        logged.keySet().retainAll(delivered.keySet());
    }
}
