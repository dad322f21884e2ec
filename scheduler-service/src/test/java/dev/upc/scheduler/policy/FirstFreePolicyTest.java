package dev.upc.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.scheduler.policy.Decisions.Placement;
import dev.upc.scheduler.policy.JobView.Phase;
import dev.upc.scheduler.policy.WorkerView.Liveness;
import java.util.List;
import org.junit.jupiter.api.Test;

class FirstFreePolicyTest {

    @Test
    void takesTheFirstFreeWorkerWhateverItsSpeed() {
        List<WorkerView> workers = List.of(
                new WorkerView("a-slow", Liveness.ONLINE, false, false, 0.5, 1, EarliestFinishPolicyTest.X86),
                new WorkerView("b-fast", Liveness.ONLINE, false, false, 5.0, 1, EarliestFinishPolicyTest.X86));
        List<JobView> jobs = List.of(new JobView("j1", Phase.QUEUED, null, 1, 600.0, 0, 0, true, null, 0, 3, 0, null,
                null));

        Decisions decisions = new FirstFreePolicy().decide(
                new ClusterSnapshot(EarliestFinishPolicyTest.NOW, workers, jobs));

        assertThat(decisions.placements()).containsExactly(new Placement("j1", "a-slow", false));
        assertThat(decisions.migrations()).isEmpty();
    }
}
