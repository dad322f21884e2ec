package dev.upc.scheduler.policy;

import static dev.upc.scheduler.policy.EarliestFinishPolicyTest.NOW;
import static dev.upc.scheduler.policy.EarliestFinishPolicyTest.X86;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.scheduler.policy.JobView.Phase;
import dev.upc.scheduler.policy.WorkerView.Liveness;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where a job moves when someone asks: the policy's rule, not a second one beside it. */
class MigrationTargetTest {

    private final PlacementPolicy upc = new EarliestFinishPolicy(PolicySettings.defaults());
    private final List<WorkerView> workers = new ArrayList<>();
    private final List<JobView> jobs = new ArrayList<>();

    private void worker(String id, double score, int cpus, long mib) {
        workers.add(new WorkerView(id, Liveness.ONLINE, false, false, score, cpus, mib, X86));
    }

    private void running(String id, String on, long mib) {
        jobs.add(new JobView(id, Phase.RUNNING, on, 1, mib, 600.0, 0, mib << 20, true, null, 0, 3, 0,
                NOW.minusSeconds(600), null));
    }

    private MigrationTarget target(String job, String requested) {
        return upc.migrationTarget(new ClusterSnapshot(NOW, workers, jobs), job, Optional.ofNullable(requested));
    }

    @Test
    void withoutARequestTheJobGoesWhereItFinishesEarliestAmongPcsWithRoomForIt() {
        worker("here", 1.0, 1, 8192);
        worker("fast-but-full", 4.0, 1, 8192);
        worker("medium", 2.0, 1, 8192);
        worker("fastest-small", 8.0, 1, 64);
        running("j1", "here", 512);
        running("busy", "fast-but-full", 64);

        assertThat(target("j1", null)).isEqualTo(new MigrationTarget.Chosen("medium", X86));
    }

    @Test
    void aRequestedPcMustBeAbleToTakeTheJobNow() {
        worker("here", 1.0, 1, 8192);
        worker("full", 2.0, 1, 8192);
        worker("small", 2.0, 1, 256);
        workers.add(new WorkerView("owner", Liveness.ONLINE, true, false, 2.0, 1, 8192, X86));
        workers.add(new WorkerView("arm", Liveness.ONLINE, false, false, 2.0, 1, 8192,
                new HostFacts("arm64", Set.of(), "runc", "4.1.1")));
        worker("free", 2.0, 1, 8192);
        running("j1", "here", 512);
        running("other", "full", 64);

        assertThat(target("j1", "nope")).extracting(t -> ((MigrationTarget.Refused) t).code()).isEqualTo("unknown_worker");
        assertThat(target("j1", "here")).extracting(t -> ((MigrationTarget.Refused) t).code()).isEqualTo("same_worker");
        assertThat(target("j1", "full")).extracting(t -> ((MigrationTarget.Refused) t).code()).isEqualTo("worker_busy");
        assertThat(target("j1", "small")).extracting(t -> ((MigrationTarget.Refused) t).code()).isEqualTo("worker_busy");
        assertThat(target("j1", "owner")).extracting(t -> ((MigrationTarget.Refused) t).code())
                .isEqualTo("worker_unavailable");
        assertThat(target("j1", "arm")).extracting(t -> ((MigrationTarget.Refused) t).code())
                .isEqualTo("incompatible_worker");
        assertThat(target("j1", "free")).isEqualTo(new MigrationTarget.Chosen("free", X86));
    }

    @Test
    void nowhereToGoIsSaid() {
        worker("here", 1.0, 1, 8192);
        running("j1", "here", 512);

        assertThat(target("j1", null)).isInstanceOf(MigrationTarget.Refused.class)
                .extracting(t -> ((MigrationTarget.Refused) t).code()).isEqualTo("no_target");
        assertThat(new FirstFreePolicy().migrationTarget(new ClusterSnapshot(NOW, workers, jobs), "j1",
                Optional.empty())).isInstanceOf(MigrationTarget.Refused.class);
    }
}
