package dev.upc.agent.lifecycle;

import static dev.upc.agent.lifecycle.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.driver.FakeTaskDriver;
import dev.upc.agent.driver.TaskConfig;
import dev.upc.agent.driver.TaskDriver;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskLimits;
import dev.upc.agent.driver.TaskStatus;
import dev.upc.agent.retry.Backoff;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import dev.upc.protocol.OwnerReport;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.SuspendedJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The owner's relief on the test fake: jobs held at once and freed, the scheduler told, reports that get through. */
class OwnerReliefTest {

    @TempDir
    Path dir;

    private final FakeTaskDriver driver = new FakeTaskDriver();
    private final ScriptedControlPlane control = new ScriptedControlPlane();
    private AgentState state;
    private OwnerRelief relief;
    private TaskDriver relieving;

    @BeforeEach
    void setUp() {
        state = Fixtures.state(dir);
        Enrolment enrolment = Fixtures.enrolled(control, state, new Troubles());
        relief = new OwnerRelief(state, driver, enrolment, control, Fixtures.CLOCK,
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)));
        relieving = new RelievingDriver(driver, relief, new ExitHold(state, driver, dir.resolve("exit-hold")));
    }

    @AfterEach
    void tearDown() throws Exception {
        relief.close();
        driver.close();
        state.close();
    }

    private TaskHandle running(String job, long epoch) {
        String name = "upc-" + job + "-" + epoch;
        state.remember(new ManagedContainer(name, job, epoch, "c-" + job, null, 0.8, 64, null));
        TaskHandle task = TaskHandle.of(name);
        relieving.create(new TaskConfig(task, "img", List.of("run"), Map.of(), Map.of(), TaskLimits.of(0.8, null)));
        relieving.start(task);
        return task;
    }

    private boolean suspended(TaskHandle task) {
        return driver.inspect(task).map(TaskStatus::suspended).orElse(false);
    }

    private List<OwnerReport> reports() {
        return control.calls("reportOwner").stream().map(call -> (OwnerReport) call.body()).toList();
    }

    @Test
    void theOwnersReturnHoldsEveryJobAndTellsTheScheduler() {
        TaskHandle a = running("a", 1);
        TaskHandle b = running("b", 3);

        relief.ownerChanged(OwnerState.ACTIVE);

        assertThat(eventually(() -> reports().size() == 1)).isTrue();
        assertThat(suspended(a)).isTrue();
        assertThat(suspended(b)).isTrue();
        OwnerReport report = reports().get(0);
        assertThat(report.ownerState()).isEqualTo(OwnerState.ACTIVE);
        assertThat(report.suspended()).extracting(SuspendedJob::jobId, SuspendedJob::epoch)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a", 1L),
                        org.assertj.core.groups.Tuple.tuple("b", 3L));
        assertThat(control.calls("reportOwner").get(0).token()).isEqualTo("token-1");
        assertThat(relief.lastRelief()).isNotNull();
    }

    /**
     * A lapsed lease holds every job; back in touch, only the jobs the scheduler still places here are freed, and a
     * job it does not stays held even when the owner comes and goes: it may run elsewhere by now.
     */
    @Test
    void aLapsedLeaseHoldsEveryJobAndOnlyTheStillPlacedAreFreed() {
        TaskHandle kept = running("a", 1);
        TaskHandle gone = running("b", 3);

        relief.leaseLapsed("test");
        assertThat(eventually(() -> suspended(kept) && suspended(gone))).isTrue();
        assertThat(relief.leaseHeld()).isTrue();
        TaskHandle late = running("c", 1);
        assertThat(suspended(late)).as("a job starting while the lease is out is held at once").isTrue();

        relief.leaseRestored(java.util.Set.of(kept.name(), late.name()));
        assertThat(eventually(() -> !suspended(kept) && !suspended(late))).isTrue();
        assertThat(suspended(gone)).isTrue();
        assertThat(relief.leaseHeld()).isFalse();

        relief.ownerChanged(OwnerState.ACTIVE);
        assertThat(eventually(() -> suspended(kept))).isTrue();
        relief.ownerChanged(OwnerState.IDLE);
        assertThat(eventually(() -> !suspended(kept))).isTrue();
        assertThat(suspended(gone)).as("never freed: the scheduler has it removed").isTrue();
    }

    @Test
    void aPcShuttingDownSaysSoInANewerReport() {
        running("a", 1);
        relief.ownerChanged(OwnerState.ACTIVE);
        assertThat(eventually(() -> reports().size() == 1)).isTrue();

        relief.leaving();

        assertThat(eventually(() -> reports().size() == 2)).isTrue();
        OwnerReport last = reports().get(1);
        assertThat(last.leaving()).isTrue();
        assertThat(last.ownerState()).isEqualTo(OwnerState.ACTIVE);
        assertThat(last.changedAt()).isAfterOrEqualTo(reports().get(0).changedAt());
        assertThat(reports().get(0).leaving()).isFalse();
    }

    @Test
    void aLeaseRestoredWhileTheOwnerIsAtThePcFreesNothing() {
        TaskHandle a = running("a", 1);
        relief.ownerChanged(OwnerState.ACTIVE);
        relief.leaseLapsed("test");
        assertThat(eventually(() -> suspended(a))).isTrue();

        relief.leaseRestored(java.util.Set.of(a.name()));
        relief.ownerChanged(OwnerState.ACTIVE); // no change: nothing to apply
        assertThat(eventually(() -> reports().stream().anyMatch(r -> r.ownerState() == OwnerState.ACTIVE))).isTrue();
        assertThat(suspended(a)).isTrue();

        relief.ownerChanged(OwnerState.IDLE);
        assertThat(eventually(() -> !suspended(a))).isTrue();
    }

    @Test
    void theOwnerLeavingFreesTheJobsWithTheirOwnLimits() {
        TaskHandle a = running("a", 1);
        relief.ownerChanged(OwnerState.ACTIVE);
        assertThat(eventually(() -> suspended(a))).isTrue();

        relief.ownerChanged(OwnerState.IDLE);

        assertThat(eventually(() -> reports().size() == 2)).isTrue();
        assertThat(suspended(a)).isFalse();
        assertThat(driver.task(a.name()).orElseThrow().limits().cpuQuotaMicros()).isEqualTo(80_000);
        assertThat(reports().get(1).ownerState()).isEqualTo(OwnerState.IDLE);
        assertThat(reports().get(1).suspended()).isEmpty();
        assertThat(relief.held()).isEmpty();
    }

    @Test
    void aJobThatStartsWhileTheOwnerIsAtThePcIsHeldBeforeTheStartReturns() {
        relief.ownerChanged(OwnerState.ACTIVE);
        assertThat(eventually(() -> reports().size() == 1)).isTrue();

        TaskHandle late = running("late", 2);

        assertThat(suspended(late)).as("held on the command's own thread").isTrue();
        assertThat(eventually(() -> reports().size() == 2)).isTrue();
        assertThat(reports().get(1).suspended()).extracting(SuspendedJob::jobId).containsExactly("late");
    }

    @Test
    void aHoldThatFailsDoesNotFailTheStartOfTheJob() {
        relief.ownerChanged(OwnerState.ACTIVE);
        assertThat(eventually(() -> reports().size() == 1)).isTrue();
        driver.failNext("suspend", new dev.upc.agent.driver.TaskDriverException("freezer gone", null));

        TaskHandle late = running("late", 2);

        assertThat(driver.inspect(late)).get().extracting(TaskStatus::running).isEqualTo(true);
    }

    @Test
    void aResumeThatFailsIsTriedAgainWithTheNextChange() {
        TaskHandle a = running("a", 1);
        relief.ownerChanged(OwnerState.ACTIVE);
        assertThat(eventually(() -> suspended(a))).isTrue();
        driver.failNext("resume", new dev.upc.agent.driver.TaskDriverException("libpod timeout", null));

        relief.ownerChanged(OwnerState.IDLE);
        assertThat(eventually(() -> driver.calls().contains("resume " + a.name()))).isTrue();
        assertThat(suspended(a)).isTrue();
        assertThat(relief.held()).as("still counted as held").contains(a.name());

        relief.ownerChanged(OwnerState.ACTIVE);
        relief.ownerChanged(OwnerState.IDLE);
        assertThat(eventually(() -> !suspended(a))).isTrue();
    }

    /** A dump cut short (podman's service killed mid-checkpoint) leaves a job frozen that nothing holds. */
    @Test
    void aJobFrozenWithNothingHoldingItIsFreedByTheNextSweep() {
        TaskHandle a = running("a", 1);
        relief.ownerChanged(OwnerState.ACTIVE);
        assertThat(eventually(() -> relief.held().contains(a.name()))).isTrue();

        driver.failNext("resume", new dev.upc.agent.driver.TaskDriverException("podman's service is down", null));
        relief.ownerChanged(OwnerState.IDLE);
        assertThat(eventually(() -> driver.calls().contains("resume " + a.name()))).isTrue();
        assertThat(suspended(a)).isTrue();

        relief.freeStrays(); // no change of the owner's: the sweep alone tries again
        assertThat(eventually(() -> !suspended(a))).isTrue();
        TaskHandle b = running("b", 1);
        driver.suspend(b);
        relief.freeStrays();
        assertThat(eventually(() -> !suspended(b))).isTrue();
    }

    @Test
    void aReportThatFailsIsSentAgainAsTheStateOfThatMoment() {
        running("a", 1);
        control.then("reportOwner", ScriptedControlPlane.failure(503, "unavailable"),
                ScriptedControlPlane.failure(0, null));

        relief.ownerChanged(OwnerState.ACTIVE);

        assertThat(eventually(() -> reports().size() == 3)).as("two failures, then delivered").isTrue();
        assertThat(reports().get(2).ownerState()).isEqualTo(OwnerState.ACTIVE);
        assertThat(reports().get(2).suspended()).hasSize(1);
    }

    @Test
    void aSchedulerThatDoesNotTakeReportsIsNotAskedAgainButJobsAreStillHeld() throws InterruptedException {
        TaskHandle a = running("a", 1);
        control.then("reportOwner", ScriptedControlPlane.failure(404, "not_found"));

        relief.ownerChanged(OwnerState.ACTIVE);
        assertThat(eventually(() -> reports().size() == 1)).isTrue();
        relief.ownerChanged(OwnerState.IDLE);
        assertThat(eventually(() -> !suspended(a))).isTrue();
        Thread.sleep(50);

        assertThat(reports()).hasSize(1);
    }

    @Test
    void anOwnerLeavingDuringADumpThawsTheJobOnlyAfterIt() throws Exception {
        TaskHandle a = running("a", 1);
        relief.ownerChanged(OwnerState.ACTIVE);
        assertThat(eventually(() -> suspended(a))).isTrue();
        java.util.concurrent.CountDownLatch inDump = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch ownerLeft = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean heldUnderTheDump = new java.util.concurrent.atomic.AtomicBoolean();

        Thread dump = new Thread(() -> relief.dumping(a, () -> {
            inDump.countDown();
            try {
                ownerLeft.await();
                Thread.sleep(100); // the relief thread has had its chance to thaw
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            heldUnderTheDump.set(suspended(a));
            return null;
        }));
        dump.start();
        inDump.await();
        relief.ownerChanged(OwnerState.IDLE);
        ownerLeft.countDown();
        dump.join();

        assertThat(heldUnderTheDump).as("not thawed under the dump").isTrue();
        assertThat(eventually(() -> !suspended(a))).as("thawed once the dump is over").isTrue();
    }

    @Test
    void afterARestartAJobHeldBeforeIsFreedIfTheOwnerLeftMeanwhile() {
        TaskHandle a = running("a", 1);
        driver.suspend(a); // held by the agent's previous run

        relief.reconcile();

        assertThat(eventually(() -> !suspended(a))).isTrue();
        assertThat(eventually(() -> reports().size() == 1)).isTrue();
        assertThat(reports().get(0).ownerState()).isEqualTo(OwnerState.IDLE);
    }
}
