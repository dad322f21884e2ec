package dev.upc.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.scheduler.policy.Decisions.Migration;
import dev.upc.scheduler.policy.Decisions.Placement;
import dev.upc.scheduler.policy.Decisions.Reason;
import dev.upc.scheduler.policy.JobView.Phase;
import dev.upc.scheduler.policy.WorkerView.Liveness;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each rule of UPC's policy on a crafted snapshot. */
class EarliestFinishPolicyTest {

    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    static final HostFacts X86 = new HostFacts("amd64", Set.of("sse4_2", "avx2"), "runc", "4.1.1");
    static final long MIB = 1L << 20;

    private final PlacementPolicy upc = new EarliestFinishPolicy(PolicySettings.defaults());
    private final List<WorkerView> workers = new ArrayList<>();
    private final List<JobView> jobs = new ArrayList<>();

    // ---- placement -----------------------------------------------------------------------------

    @Test
    void placesAQueuedJobOnTheFastestFreeWorker() {
        worker("slow", 1.0);
        worker("fast", 3.0);
        queued("j1", 600);

        assertThat(decide().placements()).containsExactly(new Placement("j1", "fast", false));
    }

    @Test
    void aWorkerAwaitingAMigratingJobIsNotFreeForAnother() {
        worker("slow", 1.0);
        worker("fast", 3.0);
        running("moving", "slow", 6000, 0); // its checkpoint is in flight, bound for "fast"
        queued("j1", 600);

        Decisions decisions = upc.decide(new ClusterSnapshot(NOW, workers, jobs, java.util.Map.of("fast", 1)));

        assertThat(decisions.placements()).isEmpty();
        assertThat(decisions.migrations()).isEmpty();
    }

    @Test
    void aMoveThatPaysUnderTheModelButNotAtItsMeasuredCostIsNotMade() {
        worker("slow", 1.0);
        worker("fast", 3.0);
        running("j1", "slow", 150, 0); // 150 s left here, 50 s there: gains ~99 s at the model's ~1.1 s per move

        assertThat(decide().migrations()).extracting(Migration::to).containsExactly("fast");
        MigrationCosts measured = new MigrationCosts(java.util.Map.of(new MigrationCosts.Route("slow", "fast"), 80.0),
                1.0);
        assertThat(upc.decide(new ClusterSnapshot(NOW, workers, jobs, java.util.Map.of(), java.util.Map.of(),
                measured)).migrations()).as("~90 s per move on this route: gains 10 s, less than the margin").isEmpty();
    }

    @Test
    void aJobGoesOnlyWhereItsMemoryFitsAndWaitsWhereItNeverCould() {
        workers.add(new WorkerView("fast-small", Liveness.ONLINE, false, false, 4.0, 1, 512, X86));
        workers.add(new WorkerView("slow-big", Liveness.ONLINE, false, false, 1.0, 1, 8192, X86));
        jobs.add(new JobView("big", Phase.QUEUED, null, 1, 2048, 600.0, 0, 0, true, null, 0, 3, 0, null, null));
        jobs.add(new JobView("huge", Phase.QUEUED, null, 1, 65536, 6000.0, 0, 0, true, null, 0, 3, 0, null, null));

        Decisions decisions = decide();

        assertThat(decisions.placements()).containsExactly(new Placement("big", "slow-big", false));
        assertThat(WaitingReasons.of(new ClusterSnapshot(NOW, workers, jobs), decisions)).containsOnlyKeys("huge");
    }

    @Test
    void longestJobGetsTheFastestWorker() {
        worker("slow", 1.0);
        worker("fast", 2.0);
        queued("short", 100);
        queued("long", 1000);

        assertThat(decide().placements()).containsExactlyInAnyOrder(
                new Placement("long", "fast", false), new Placement("short", "slow", false));
    }

    @Test
    void waitsForAMuchFasterWorkerThatFreesSoon() {
        worker("slow", 1.0);
        worker("fast", 10.0);
        running("almost-done", "fast", 1000, 990); // 10 work left: fast frees in 1 s
        queued("j1", 1000);                        // slow: 1000 s; fast: 1 s + 100 s

        Decisions decisions = decide();

        assertThat(decisions.placements()).isEmpty();
    }

    @Test
    void usesTheSlowWorkerWhenTheFastOneIsBusyForLong() {
        worker("slow", 1.0);
        worker("fast", 2.0);
        running("big", "fast", 100_000, 0);
        queued("j1", 600);

        assertThat(decide().placements()).containsExactly(new Placement("j1", "slow", false));
    }

    @Test
    void tiesGoToTheLowerWorkerId() {
        worker("b", 2.0);
        worker("a", 2.0);
        queued("j1", 600);

        assertThat(decide().placements()).containsExactly(new Placement("j1", "a", false));
    }

    @Test
    void neverPlacesOnBusyOwnerActiveDrainingOrSuspectWorkers() {
        workers.add(new WorkerView("owner", Liveness.ONLINE, true, false, 5.0, 1, X86));
        workers.add(new WorkerView("drain", Liveness.ONLINE, false, true, 5.0, 1, X86));
        workers.add(new WorkerView("suspect", Liveness.SUSPECT, false, false, 5.0, 1, X86));
        worker("full", 5.0);
        running("other", "full", 100_000, 0);
        worker("ok", 0.5);
        queued("j1", 60);

        assertThat(decide().placements()).containsExactly(new Placement("j1", "ok", false));
    }

    @Test
    void anUnknownJobIsAssumedLongButNotAheadOfTheLongestKnownOnes() {
        worker("fast", 3.0);
        worker("mid", 2.0);
        worker("slow", 1.0);
        queued("a-huge", 50_000); // an overestimate must not make every unknown job look this long
        queued("b-long", 9_000);
        for (int i = 0; i < 38; i++) {
            queued(String.format("s%02d", i), 100);
        }
        jobs.add(new JobView("u", Phase.QUEUED, null, 1, null, 0, 16 * MIB, true, null, 0, 3, 0, null, null));

        assertThat(decide().placements()).contains(new Placement("a-huge", "fast", false),
                new Placement("b-long", "mid", false), new Placement("u", "slow", false));
    }

    // ---- migration for speed -------------------------------------------------------------------

    @Test
    void movesARunningJobToAFasterFreeWorkerWhenItPays() {
        worker("slow", 1.0);
        worker("fast", 3.0);
        running("j1", "slow", 3600, 600); // 3000 s left here, 1000 s there

        List<Migration> migrations = decide().migrations();

        assertThat(migrations).hasSize(1);
        Migration move = migrations.get(0);
        assertThat(move.jobId()).isEqualTo("j1");
        assertThat(move.to()).isEqualTo("fast");
        assertThat(move.reason()).isEqualTo(Reason.FASTER_WORKER);
        assertThat(move.expectedGainSeconds()).isBetween(1990.0, 2000.0);
    }

    @Test
    void aRunningJobLongerThanEveryQueuedOneTakesAFreedFastWorkerBeforeThem() {
        worker("slow", 1.0);
        worker("fast", 3.0);
        running("long", "slow", 5000, 0); // 5000 s here, ~1667 s there
        queued("short", 100);

        Decisions decisions = decide();

        assertThat(decisions.migrations()).extracting(Migration::jobId, Migration::to)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("long", "fast"));
        assertThat(decisions.placements()).containsExactly(new Placement("short", "slow", false));
    }

    @Test
    void aQueuedJobLongerThanTheRunningOnesGetsTheFreeFastWorker() {
        worker("slow", 1.0);
        worker("fast", 3.0);
        running("running", "slow", 1000, 0);
        queued("longer", 3000);

        Decisions decisions = decide();

        assertThat(decisions.placements()).containsExactly(new Placement("longer", "fast", false));
        assertThat(decisions.migrations()).isEmpty();
    }

    @Test
    void doesNotMoveWhenTheGainDoesNotPay() {
        worker("slow", 1.0);
        worker("fast", 1.2);
        running("j1", "slow", 200, 100); // 100 s left; 83 s there: gain 17 s minus cost < 30 s margin

        assertThat(decide().migrations()).isEmpty();
    }

    @Test
    void withNothingWaitingASmallerGainStillMovesTheJob() {
        worker("slow", 1.0);
        worker("fast", 1.25);
        running("j1", "slow", 300, 0); // 300 s here, ~241 s there: gains ~59 s, less than 30 s + 10 % of 300 s

        assertThat(decide().migrations()).extracting(Migration::to).containsExactly("fast");
    }

    @Test
    void withAJobWaitingTheRelativeMarginMustBeBeatenToo() {
        worker("slow", 1.0);
        worker("fast", 1.25);
        worker("turbo", 50.0);
        running("j1", "slow", 300, 0);
        running("big", "turbo", 100, 50); // turbo frees in 1 s
        queued("q", 1000);                 // so q waits for turbo rather than take fast

        Decisions decisions = decide();

        assertThat(decisions.placements()).isEmpty();
        assertThat(decisions.migrations()).isEmpty();
    }

    @Test
    void doesNotMoveAHugeCheckpointForASmallGain() {
        worker("slow", 1.0);
        worker("fast", 2.0);
        JobView big = running("j1", "slow", 400, 0); // gains 200 s, but 64 GiB take ~530 s to move
        jobs.set(jobs.indexOf(big), withCheckpointBytes(big, 64L << 30));

        assertThat(decide().migrations()).isEmpty();
    }

    @Test
    void doesNotMoveAJobThatWasJustPlaced() {
        worker("slow", 1.0);
        worker("fast", 3.0);
        JobView job = running("j1", "slow", 3600, 0);
        jobs.set(0, withSince(job, NOW.minusSeconds(10)));

        assertThat(decide().migrations()).isEmpty();
    }

    @Test
    void doesNotMoveJobsThatAreNotMigratable() {
        worker("slow", 1.0);
        worker("fast", 3.0);
        JobView job = running("j1", "slow", 3600, 0);
        jobs.set(0, notMigratable(job));

        assertThat(decide().migrations()).isEmpty();
    }

    @Test
    void earliestFinishBaselineNeverMigrates() {
        worker("slow", 1.0);
        worker("fast", 3.0);
        running("j1", "slow", 3600, 600);

        Decisions decisions = new EarliestFinishPolicy(PolicySettings.defaults().withoutMigration())
                .decide(new ClusterSnapshot(NOW, workers, jobs));

        assertThat(decisions.migrations()).isEmpty();
        assertThat(decisions.checkpoints()).isEmpty();
    }

    // ---- compatibility -------------------------------------------------------------------------

    @Test
    void neverRestoresWhereACpuFlagIsMissing() {
        worker("slow", 1.0);
        workers.add(new WorkerView("old-cpu", Liveness.ONLINE, false, false, 3.0, 1,
                new HostFacts("amd64", Set.of("sse4_2"), "runc", "4.1.1")));
        running("j1", "slow", 3600, 600);

        assertThat(decide().migrations()).isEmpty();
    }

    @Test
    void neverRestoresOnAnotherArchitectureRuntimeOrOlderCriu() {
        worker("slow", 1.0);
        workers.add(new WorkerView("arm", Liveness.ONLINE, false, false, 3.0, 1,
                new HostFacts("arm64", X86.cpuFlags(), "runc", "4.1.1")));
        workers.add(new WorkerView("crun", Liveness.ONLINE, false, false, 3.0, 1,
                new HostFacts("amd64", X86.cpuFlags(), "crun", "4.1.1")));
        workers.add(new WorkerView("old-criu", Liveness.ONLINE, false, false, 3.0, 1,
                new HostFacts("amd64", X86.cpuFlags(), "runc", "3.17.1")));
        running("j1", "slow", 3600, 600);

        assertThat(decide().migrations()).isEmpty();
    }

    @Test
    void restoresOnANewerCriuWithMoreCpuFlags() {
        worker("slow", 1.0);
        workers.add(new WorkerView("newer", Liveness.ONLINE, false, false, 3.0, 1,
                new HostFacts("amd64", Set.of("sse4_2", "avx2", "avx512f"), "runc", "4.2")));
        running("j1", "slow", 3600, 600);

        assertThat(decide().migrations()).extracting(Migration::to).containsExactly("newer");
    }

    // ---- owner, drain, lost --------------------------------------------------------------------

    @Test
    void ownerBackMovesTheJobToAFreeWorkerEvenASlowerOne() {
        workers.add(new WorkerView("desk", Liveness.ONLINE, true, false, 3.0, 1, X86));
        worker("spare", 1.0);
        running("j1", "desk", 3600, 600);

        assertThat(decide().migrations()).containsExactly(new Migration("j1", "desk", "spare", Reason.OWNER_ACTIVE, 0));
    }

    @Test
    void ownerBackWithNowhereToGoEvictsToTheQueue() {
        workers.add(new WorkerView("desk", Liveness.ONLINE, true, false, 3.0, 1, X86));
        running("j1", "desk", 3600, 600);

        Decisions decisions = decide();

        assertThat(decisions.evictions()).containsExactly(new Decisions.Eviction("j1", "desk", Reason.OWNER_ACTIVE));
        assertThat(decisions.migrations()).isEmpty();
    }

    @Test
    void aJobSuspendedForTheOwnerWaitsThereWhenNoPcIsFree() {
        workers.add(new WorkerView("desk", Liveness.ONLINE, true, false, 3.0, 1, X86));
        running("j1", "desk", 3600, 600);

        Decisions decisions = upc.decide(new ClusterSnapshot(NOW, workers, jobs).withSuspended(
                java.util.Map.of("j1", NOW.minusSeconds(599))));

        assertThat(decisions.evictions()).as("held at no CPU, it may wait for the owner to leave").isEmpty();
        assertThat(decisions.migrations()).isEmpty();
        assertThat(decisions.checkpoints()).isEmpty();
    }

    @Test
    void aJobSuspendedLongerThanTheMaximumIsTakenOff() {
        workers.add(new WorkerView("desk", Liveness.ONLINE, true, false, 3.0, 1, X86));
        running("j1", "desk", 3600, 600);

        Decisions decisions = upc.decide(new ClusterSnapshot(NOW, workers, jobs).withSuspended(
                java.util.Map.of("j1", NOW.minusSeconds(600))));

        assertThat(decisions.evictions()).as("it still holds the owner's memory")
                .containsExactly(new Decisions.Eviction("j1", "desk", Reason.OWNER_ACTIVE));
    }

    @Test
    void aJobThatCannotMoveWaitsHeldForTheOwnerThenStartsAgainElsewhere() {
        workers.add(new WorkerView("desk", Liveness.ONLINE, true, false, 3.0, 1, X86));
        worker("spare", 1.0);
        jobs.add(notMigratable(running("j1", "desk", 3600, 600)));
        jobs.remove(0);

        Decisions waiting = upc.decide(new ClusterSnapshot(NOW, workers, jobs).withSuspended(
                java.util.Map.of("j1", NOW.minusSeconds(599))));
        Decisions unheld = decide();
        Decisions over = upc.decide(new ClusterSnapshot(NOW, workers, jobs).withSuspended(
                java.util.Map.of("j1", NOW.minusSeconds(600))));

        assertThat(waiting.isEmpty()).as("a free PC, but it cannot move: it waits held").isTrue();
        assertThat(unheld.isEmpty()).as("its agent did not hold it: nothing to count from").isTrue();
        assertThat(over.evictions()).as("killed, to start from scratch: it still holds the owner's memory")
                .containsExactly(new Decisions.Eviction("j1", "desk", Reason.OWNER_ACTIVE, false));
        assertThat(over.migrations()).isEmpty();
    }

    @Test
    void aDrainLetsAJobThatCannotMoveFinish() {
        workers.add(new WorkerView("desk", Liveness.ONLINE, false, true, 3.0, 1, X86));
        worker("spare", 1.0);
        jobs.add(notMigratable(running("j1", "desk", 3600, 600)));
        jobs.remove(0);

        assertThat(decide().isEmpty()).isTrue();
    }

    @Test
    void aSuspendedJobMovesAsSoonAsAPcIsFree() {
        workers.add(new WorkerView("desk", Liveness.ONLINE, true, false, 3.0, 1, X86));
        worker("spare", 1.0);
        running("j1", "desk", 3600, 600);

        Decisions decisions = upc.decide(new ClusterSnapshot(NOW, workers, jobs).withSuspended(
                java.util.Map.of("j1", NOW.minusSeconds(1))));

        assertThat(decisions.migrations()).containsExactly(new Migration("j1", "desk", "spare", Reason.OWNER_ACTIVE, 0));
    }

    @Test
    void drainMovesEverythingOff() {
        workers.add(new WorkerView("old", Liveness.ONLINE, false, true, 3.0, 2, X86));
        worker("new", 1.0);
        running("j1", "old", 3600, 0);
        running("j2", "old", 3600, 0);

        Decisions decisions = decide();

        assertThat(decisions.migrations()).extracting(Migration::reason).containsExactly(Reason.DRAIN);
        assertThat(decisions.evictions()).extracting(Decisions.Eviction::reason).containsExactly(Reason.DRAIN);
    }

    @Test
    void lostWorkerResumesFromTheNewestCheckpointOnACompatibleWorker() {
        workers.add(new WorkerView("gone", Liveness.LOST, false, false, 3.0, 1, X86));
        workers.add(new WorkerView("arm", Liveness.ONLINE, false, false, 9.0, 1,
                new HostFacts("arm64", X86.cpuFlags(), "runc", "4.1.1")));
        worker("ok", 1.0);
        JobView job = running("j1", "gone", 3600, 1200);
        jobs.set(0, withCheckpoint(job));

        Decisions decisions = decide();

        assertThat(decisions.recoveries()).containsExactly(new Decisions.Recovery("j1", "gone", true));
        assertThat(decisions.placements()).containsExactly(new Placement("j1", "ok", true));
    }

    @Test
    void lostWorkerWithoutCheckpointRestartsTheJob() {
        workers.add(new WorkerView("gone", Liveness.LOST, false, false, 3.0, 1, X86));
        workers.add(new WorkerView("arm", Liveness.ONLINE, false, false, 9.0, 1,
                new HostFacts("arm64", X86.cpuFlags(), "runc", "4.1.1")));
        running("j1", "gone", 3600, 1200);

        Decisions decisions = decide();

        assertThat(decisions.recoveries()).containsExactly(new Decisions.Recovery("j1", "gone", false));
        assertThat(decisions.placements()).containsExactly(new Placement("j1", "arm", false));
    }

    /** With an allowance of one lost worker, only the first lost worker's jobs go this round; the other keeps its. */
    @Test
    void lostWorkersBeyondTheAllowanceKeepTheirJobsThisRound() {
        workers.add(new WorkerView("gone-a", Liveness.LOST, false, false, 3.0, 1, X86));
        workers.add(new WorkerView("gone-b", Liveness.LOST, false, false, 3.0, 1, X86));
        worker("ok", 1.0);
        worker("ok2", 1.0);
        running("j1", "gone-b", 3600, 1200);
        running("j2", "gone-a", 3600, 1200);

        Decisions one = upc.decide(new ClusterSnapshot(NOW, workers, jobs).withLostWorkerAllowance(1));
        Decisions none = upc.decide(new ClusterSnapshot(NOW, workers, jobs).withLostWorkerAllowance(0));
        Decisions all = upc.decide(new ClusterSnapshot(NOW, workers, jobs));

        assertThat(one.recoveries()).containsExactly(new Decisions.Recovery("j2", "gone-a", false));
        assertThat(none.recoveries()).isEmpty();
        assertThat(all.recoveries()).extracting(Decisions.Recovery::jobId).containsExactlyInAnyOrder("j1", "j2");
    }

    @Test
    void lostWorkerWithNoRetriesLeftFailsTheJob() {
        workers.add(new WorkerView("gone", Liveness.LOST, false, false, 3.0, 1, X86));
        worker("ok", 1.0);
        JobView job = running("j1", "gone", 3600, 1200);
        jobs.set(0, withRetries(job, 3, 3));

        Decisions decisions = decide();

        assertThat(decisions.failures()).extracting(Decisions.Failure::jobId).containsExactly("j1");
        assertThat(decisions.placements()).isEmpty();
    }

    @Test
    void suspectWorkerKeepsItsJobs() {
        workers.add(new WorkerView("flaky", Liveness.SUSPECT, false, false, 1.0, 1, X86));
        worker("fast", 3.0);
        running("j1", "flaky", 3600, 0);

        Decisions decisions = decide();

        assertThat(decisions.recoveries()).isEmpty();
        assertThat(decisions.migrations()).isEmpty();
    }

    // ---- periodic checkpoints ------------------------------------------------------------------

    @Test
    void checkpointsWhenTheIntervalHasPassed() {
        worker("w", 1.0);
        JobView due = withInterval(running("due", "w", 3600, 0), 300, NOW.minusSeconds(301));
        JobView notYet = withInterval(running("fresh", "w", 3600, 0), 300, NOW.minusSeconds(100));
        jobs.clear();
        jobs.add(due);
        jobs.add(notYet);

        assertThat(decide().checkpoints()).containsExactly(new Decisions.PeriodicCheckpoint("due", "w"));
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Decisions decide() {
        return upc.decide(new ClusterSnapshot(NOW, workers, jobs));
    }

    private void worker(String id, double score) {
        workers.add(new WorkerView(id, Liveness.ONLINE, false, false, score, 1, X86));
    }

    private void queued(String id, double work) {
        jobs.add(new JobView(id, Phase.QUEUED, null, 1, work, 0, 16 * MIB, true, null, 0, 3, 0, null, null));
    }

    private JobView running(String id, String worker, double work, double done) {
        JobView job = new JobView(id, Phase.RUNNING, worker, 1, work, done, 16 * MIB, true, null, 0, 3, 0,
                NOW.minusSeconds(3600), null);
        jobs.add(job);
        return job;
    }

    static JobView withCheckpointBytes(JobView j, long bytes) {
        return new JobView(j.id(), j.phase(), j.workerId(), j.cpus(), j.workEstimate(), j.workDone(), bytes,
                j.migratable(), j.checkpoint(), j.retries(), j.maxRetries(), j.checkpointIntervalSeconds(), j.since(),
                j.lastCheckpointAt());
    }

    static JobView withSince(JobView j, Instant since) {
        return new JobView(j.id(), j.phase(), j.workerId(), j.cpus(), j.workEstimate(), j.workDone(),
                j.checkpointBytes(), j.migratable(), j.checkpoint(), j.retries(), j.maxRetries(),
                j.checkpointIntervalSeconds(), since, j.lastCheckpointAt());
    }

    static JobView notMigratable(JobView j) {
        return new JobView(j.id(), j.phase(), j.workerId(), j.cpus(), j.workEstimate(), j.workDone(),
                j.checkpointBytes(), false, j.checkpoint(), j.retries(), j.maxRetries(), j.checkpointIntervalSeconds(),
                j.since(), j.lastCheckpointAt());
    }

    static JobView withCheckpoint(JobView j) {
        return new JobView(j.id(), j.phase(), j.workerId(), j.cpus(), j.workEstimate(), j.workDone(),
                j.checkpointBytes(), j.migratable(), new JobView.CheckpointRef("j1-ckpt-3", X86), j.retries(),
                j.maxRetries(), j.checkpointIntervalSeconds(), j.since(), NOW.minusSeconds(60));
    }

    static JobView withRetries(JobView j, int retries, int max) {
        return new JobView(j.id(), j.phase(), j.workerId(), j.cpus(), j.workEstimate(), j.workDone(),
                j.checkpointBytes(), j.migratable(), j.checkpoint(), retries, max, j.checkpointIntervalSeconds(),
                j.since(), j.lastCheckpointAt());
    }

    static JobView withInterval(JobView j, long seconds, Instant last) {
        return new JobView(j.id(), j.phase(), j.workerId(), j.cpus(), j.workEstimate(), j.workDone(),
                j.checkpointBytes(), j.migratable(), j.checkpoint(), j.retries(), j.maxRetries(), seconds, j.since(),
                last);
    }
}
