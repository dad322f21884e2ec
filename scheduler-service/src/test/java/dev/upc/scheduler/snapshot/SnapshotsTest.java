package dev.upc.scheduler.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerRegistration;
import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.job.Job;
import dev.upc.scheduler.job.RecordingEffects;
import dev.upc.scheduler.learning.Learned;
import dev.upc.scheduler.policy.ClusterSnapshot;
import dev.upc.scheduler.policy.Decisions;
import dev.upc.scheduler.policy.EarliestFinishPolicy;
import dev.upc.scheduler.policy.JobView;
import dev.upc.scheduler.policy.MigrationCosts;
import dev.upc.scheduler.policy.PolicySettings;
import dev.upc.scheduler.policy.WorkerView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * From the jobs table and the registry's workers to what the policy sees. The first two tests pin planner flaws the
 * nine-job demo once showed: a migration's target was free for other jobs until its checkpoint was stored, and a
 * running job's work between checkpoints counted as not done.
 */
class SnapshotsTest {

    private final RecordingEffects effects = new RecordingEffects();
    private final EarliestFinishPolicy policy = new EarliestFinishPolicy(PolicySettings.defaults());

    @Test
    void aMigrationsTargetIsReservedFromTheDecisionNotFromTheStoredCheckpoint() {
        Job moving = effects.running("moving", "slow");
        moving.startMigration(effects, "fast", RecordingEffects.X86, "FASTER_WORKER");
        Job queued = effects.submitted("queued");

        ClusterSnapshot snapshot = Snapshots.of(effects.now(), List.of(pc("slow", 0.2), pc("fast", 0.8)),
                List.of(moving, queued));
        Decisions decisions = policy.decide(snapshot);

        assertThat(snapshot.reservedCpus()).containsEntry("fast", 1);
        assertThat(decisions.placements()).noneMatch(p -> p.workerId().equals("fast"));
        assertThat(decisions.migrations()).isEmpty();
    }

    @Test
    void aRunningJobsWorkCountsFromItsLatestHeartbeatBetweenCheckpoints() {
        Job job = effects.running("j1", "pc1");

        WorkerInfo pc1 = pc("pc1", 0.8, new ContainerReport("j1", job.epoch(), "running", 40.0, 32L, 0.8));
        JobView view = Snapshots.of(effects.now(), List.of(pc1), List.of(job)).jobs().get(0);

        assertThat(view.workDone()).isEqualTo(job.cpuBase() + 40.0);
        assertThat(view.remainingWork(600)).isEqualTo(job.spec().workEstimate() - job.cpuBase() - 40.0);
    }

    @Test
    void aPcIsRatedByWhatItDeliversAndMovesArePricedAsMeasured() {
        MigrationCosts costs = new MigrationCosts(Map.of(new MigrationCosts.Route("pc1", "pc2"), 3.0), 2.0);
        Learned learned = new Learned(Map.of("pc1", 0.5), costs);

        ClusterSnapshot snapshot = Snapshots.of(effects.now(), List.of(pc("pc1", 0.8), pc("pc2", 0.4)), List.of(),
                learned);

        assertThat(snapshot.workers()).extracting(WorkerView::id, WorkerView::score)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("pc1", 0.4),
                        org.assertj.core.groups.Tuple.tuple("pc2", 0.4));
        assertThat(snapshot.migrationCosts()).isEqualTo(costs);
    }

    private static WorkerInfo pc(String id, double score, ContainerReport... containers) {
        WorkerRegistration registration = new WorkerRegistration("m-" + id, id, "0.1.0", 2, 4096L, 1, "cpu",
                List.of("sse2"), score, "4.3.1", "4.1.1", "runc", 1, "amd64", Map.of(), null);
        Heartbeat heartbeat = new Heartbeat(OwnerState.IDLE, false, 1.0, 1024L, 0.5, List.of(containers));
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        return new WorkerInfo(id, WorkerStatus.ONLINE, DesiredState.ACTIVE, now, now, registration, heartbeat);
    }
}
