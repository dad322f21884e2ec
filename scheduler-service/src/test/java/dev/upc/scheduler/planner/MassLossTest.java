package dev.upc.scheduler.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.scheduler.policy.ClusterSnapshot;
import dev.upc.scheduler.policy.HostFacts;
import dev.upc.scheduler.policy.WorkerView;
import dev.upc.scheduler.policy.WorkerView.Liveness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Most PCs lost at once: one lost PC's jobs per interval; else every lost PC's at once. */
class MassLossTest {

    private static final long S = 1_000_000_000L;
    private static final HostFacts X86 = new HostFacts("amd64", Set.of(), "runc", "4.1.1");

    private static List<WorkerView> workers(int online, int lost) {
        List<WorkerView> workers = new ArrayList<>();
        for (int i = 0; i < online + lost; i++) {
            workers.add(new WorkerView("w" + i, i < online ? Liveness.ONLINE : Liveness.LOST, false, false, 1.0, 1,
                    X86));
        }
        return workers;
    }

    @Test
    void aFewLostPcsGiveTheirJobsAwayAtOnce() {
        MassLoss rule = new MassLoss(Duration.ofSeconds(30));
        assertThat(rule.allowance(workers(6, 4), 0)).isEqualTo(ClusterSnapshot.ALL_LOST);
        assertThat(rule.allowance(workers(1, 2), 0)).as("a lab of three PCs").isEqualTo(ClusterSnapshot.ALL_LOST);
    }

    @Test
    void mostPcsLostAtOnceGiveOnePcsJobsAwayPerInterval() {
        MassLoss rule = new MassLoss(Duration.ofSeconds(30));
        List<WorkerView> outage = workers(4, 6);

        assertThat(rule.allowance(outage, 0)).isEqualTo(1);
        rule.gaveAway(1, 0);
        assertThat(rule.allowance(outage, 29 * S)).isZero();
        rule.gaveAway(0, 29 * S);
        assertThat(rule.allowance(outage, 30 * S)).isEqualTo(1);
        assertThat(rule.allowance(workers(9, 1), 31 * S)).as("most came back").isEqualTo(ClusterSnapshot.ALL_LOST);
    }
}
