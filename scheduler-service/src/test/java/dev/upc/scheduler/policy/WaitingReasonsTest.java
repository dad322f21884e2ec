package dev.upc.scheduler.policy;

import static dev.upc.scheduler.policy.EarliestFinishPolicyTest.X86;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.scheduler.policy.JobView.Phase;
import dev.upc.scheduler.policy.WorkerView.Liveness;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WaitingReasonsTest {

    private static WorkerView worker(String id, Liveness liveness, boolean owner, boolean drain, int cpus, long mib) {
        return new WorkerView(id, liveness, owner, drain, 1.0, cpus, mib, X86);
    }

    private static JobView queued(int cpus, long mib) {
        return new JobView("j", Phase.QUEUED, null, cpus, mib, 600.0, 0, 0, true, null, 0, 3, 0, null, null);
    }

    @Test
    void namesTheFirstThingThatKeepsAJobWaiting() {
        assertThat(WaitingReasons.reason(List.of(worker("a", Liveness.LOST, false, false, 4, 8192)), queued(1, 64)))
                .isEqualTo("no PC is online");
        assertThat(WaitingReasons.reason(List.of(worker("a", Liveness.ONLINE, false, false, 2, 8192)), queued(4, 64)))
                .isEqualTo("no online PC lends 4 cores (the most is 2)");
        assertThat(WaitingReasons.reason(List.of(worker("a", Liveness.ONLINE, false, false, 4, 1024)),
                queued(1, 4096))).isEqualTo("no online PC with 1 cores lends 4096 MiB of memory (the most is 1024 MiB)");
        assertThat(WaitingReasons.reason(List.of(worker("a", Liveness.ONLINE, true, false, 4, 8192),
                worker("b", Liveness.ONLINE, false, true, 4, 8192)), queued(1, 64)))
                .isEqualTo("the 2 PC(s) that fit are in use by their owners (1) or drained (1)");
        assertThat(WaitingReasons.reason(List.of(worker("a", Liveness.ONLINE, false, false, 4, 8192)), queued(1, 64)))
                .startsWith("waiting for a PC that fits to free up");
    }

    @Test
    void aCheckpointOnlyRestoresOnACompatiblePc() {
        JobView resuming = new JobView("j", Phase.QUEUED, null, 1, 64, 600.0, 10, 0, true,
                new JobView.CheckpointRef("j-1-1", new HostFacts("arm64", Set.of(), "runc", "4.1.1")), 1, 3, 0, null,
                null);
        assertThat(WaitingReasons.reason(List.of(worker("a", Liveness.ONLINE, false, false, 4, 8192)), resuming))
                .startsWith("no online PC that fits can restore its checkpoint (taken on arm64");
    }

    @Test
    void onlyQueuedJobsThatWereNotPlacedGetAReason() {
        List<WorkerView> workers = List.of(worker("a", Liveness.ONLINE, false, false, 1, 8192));
        JobView first = new JobView("first", Phase.QUEUED, null, 1, 64, 600.0, 0, 0, true, null, 0, 3, 0, null, null);
        JobView second = new JobView("second", Phase.QUEUED, null, 1, 64, 60.0, 0, 0, true, null, 0, 3, 0, null,
                null);
        ClusterSnapshot snapshot = new ClusterSnapshot(EarliestFinishPolicyTest.NOW, workers, List.of(first, second));
        Decisions decisions = new EarliestFinishPolicy(PolicySettings.defaults()).decide(snapshot);

        assertThat(decisions.placements()).extracting(Decisions.Placement::jobId).containsExactly("first");
        assertThat(WaitingReasons.of(snapshot, decisions)).containsOnlyKeys("second");
    }
}
