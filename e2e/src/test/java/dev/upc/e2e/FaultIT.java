package dev.upc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.driver.JobCgroups;
import dev.upc.agent.driver.LibpodDriver;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskStatus;
import dev.upc.agent.job.JobRunner;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.LibpodNotFoundException;
import dev.upc.cli.client.UpcClient;
import dev.upc.e2e.agent.AgentProcess;
import dev.upc.e2e.cluster.ServiceCluster;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterOutput;
import dev.upc.e2e.job.JobRuns;
import dev.upc.e2e.pc.CopyWatch;
import dev.upc.e2e.pc.Partition;
import dev.upc.e2e.pc.SimulatedPc;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ImageArchive;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Faults with real agents, real podman and CRIU, and the real services (issue 20). The cluster gives a PC up after
 * 20 s of silence; both PCs hold their jobs after a 10 s lease; PC "a" reaches the services only through
 * {@link Partition}s a test can cut, PC "b" directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultIT {

    private static final Duration LEASE = Duration.ofSeconds(10);
    private static final Duration LOST_AFTER = Duration.ofSeconds(20);

    @RegisterExtension
    final TestWatcher keepLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (cluster != null) {
                cluster.keepWorkDir();
                System.err.println("FaultIT: " + context.getDisplayName() + " failed; logs kept in "
                        + cluster.workDir());
            }
        }
    };

    private ServiceCluster cluster;
    private UpcClient admin;
    private SimulatedPc pcA;
    private SimulatedPc pcB;
    private CopyWatch copies;
    private AgentProcess agentA;
    private AgentProcess agentB;
    private final List<Partition> linksOfA = new ArrayList<>();

    @BeforeAll
    void startClusterPcsAndAgents() throws IOException {
        Path work = Files.createDirectories(Path.of("target", "fault-it")).toAbsolutePath();
        cluster = ServiceCluster.builder().workDir(Files.createTempDirectory(work, "cluster-"))
                .liveness(Duration.ofSeconds(2), Duration.ofSeconds(8), LOST_AFTER).start();
        admin = cluster.admin();
        pcA = SimulatedPc.start("fa");
        pcB = SimulatedPc.start("fb");
        copies = CopyWatch.start(Map.of("fa", pcA.client(), "fb", pcB.client()), Duration.ofMillis(500));
        CounterImage image = CounterImage.build(work);
        admin.putBlob(BlobKind.IMAGES, ImageArchive.blobId(CounterImage.REFERENCE), image.archive(pcA.client()));
        pcA.runCli(Duration.ofSeconds(60), "rmi", "-f", CounterImage.REFERENCE); // the PCs get it from the store
        Partition registry = Partition.to(cluster.registryUrl());
        Partition scheduler = Partition.to(cluster.schedulerUrl());
        Partition store = Partition.to(cluster.storeUrl());
        linksOfA.addAll(List.of(registry, scheduler, store));
        agentA = AgentProcess.start(new AgentProcess.ControlPlane(cluster.workDir(), cluster.joinToken(),
                        registry.url(cluster.registryUrl()), scheduler.url(cluster.schedulerUrl()),
                        store.url(cluster.storeUrl()), null), pcA, 100,
                Map.of("upc.agent.lease", LEASE.toSeconds() + "s"));
        agentB = AgentProcess.start(cluster, pcB, 100, Map.of("upc.agent.lease", LEASE.toSeconds() + "s",
                "upc.agent.leave-on-stop", "always")); // as a PC shutting down under systemd
        agentA.awaitRegistered(Duration.ofSeconds(60));
        agentB.awaitRegistered(Duration.ofSeconds(60));
    }

    @AfterAll
    void stopEverything() {
        linksOfA.forEach(Partition::close);
        for (AutoCloseable c : new AutoCloseable[] {copies, agentA, agentB, pcA, pcB, cluster}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("cleanup: " + e);
            }
        }
    }

    /**
     * Fault 1: the agent killed with {@code kill -9} while its job runs. Podman runs the job on, but the agent's guard
     * freezes it at once; once the registry gives the PC up, the job resumes on the other PC from its last periodic
     * checkpoint (one start: no work redone from scratch); the agent, started again, finds its frozen copy no longer
     * its own and has it removed. The cut-off copy never ticks again, so no two copies ran at once.
     */
    @Test
    void anAgentKilledWhileItsJobRunsHasItHeldAndTheJobResumesElsewhereFromItsCheckpoint() throws Exception {
        JobInfo onA = runningOn(agentA, agentB, "killed-agent", 120, 30);
        JobInfo job = onA;
        String containerOnA = AgentCommand.containerName(job.id(), onA.epoch());
        LibpodClient a = pcA.client();
        admin.awaitJob(job.id(), j -> j.checkpointBlobId() != null, Duration.ofSeconds(60)); // a periodic one
        agentB.owner("auto");

        long killedAt = System.nanoTime();
        agentA.kill();
        await(() -> frozen(a, containerOnA), Duration.ofSeconds(5), "the dead agent's job held by its guard");
        long heldAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
        long ticksWhenHeld = ticks(a, containerOnA);
        try {
            JobInfo onB = admin.awaitJob(job.id(), j -> j.state() == JobState.RUNNING && j.epoch() > onA.epoch(),
                    LOST_AFTER.plusSeconds(60));
            long elsewhereAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(onB.workerId()).isEqualTo(agentB.status().workerId());
            assertThat(ticks(a, containerOnA)).as("not a tick on the PC of the dead agent").isEqualTo(ticksWhenHeld);
            System.out.printf("FaultIT killed agent: job held %d ms after the kill, running elsewhere after %d ms%n",
                    heldAfterMs, elsewhereAfterMs);
        } finally {
            agentA.restart();
            agentA.awaitRegistered(Duration.ofSeconds(60));
        }
        await(() -> !exists(a, containerOnA), Duration.ofSeconds(60), "the stale copy removed once the agent is back");
        assertResumedToTheEnd(job.id(), 120);
    }

    /**
     * Fault 2: the PC vanishes, as when it loses power: its agent, its podman service and its job die at once, no
     * guard left to act. Once the registry gives the PC up, the job resumes on the other PC from its last periodic
     * checkpoint; when the PC comes back (podman, then the agent), nothing of the job runs there again, and its dead
     * container is removed.
     */
    @Test
    void aPcThatVanishesHasItsJobResumeElsewhereAndRunsNothingOnceBack() throws Exception {
        JobInfo onA = runningOn(agentA, agentB, "vanished", 120, 30);
        JobInfo job = onA;
        String containerOnA = AgentCommand.containerName(job.id(), onA.epoch());
        admin.awaitJob(job.id(), j -> j.checkpointBlobId() != null, Duration.ofSeconds(60)); // a periodic one
        agentB.owner("auto");

        long lostAt = System.nanoTime();
        agentA.killWithItsChildren();
        pcA.powerOff();
        JobInfo onB;
        try {
            onB = admin.awaitJob(job.id(), j -> j.state() == JobState.RUNNING && j.epoch() > onA.epoch(),
                    LOST_AFTER.plusSeconds(60));
        } finally {
            pcA.powerOn();
            agentA.restart();
            agentA.awaitRegistered(Duration.ofSeconds(60));
        }
        long elsewhereAfterMs = (System.nanoTime() - lostAt) / 1_000_000;
        assertThat(onB.workerId()).isEqualTo(agentB.status().workerId());
        await(() -> !exists(pcA.client(), containerOnA), Duration.ofSeconds(60), "the dead copy removed once back");
        assertResumedToTheEnd(job.id(), 120);
        System.out.printf("FaultIT vanished PC: job running elsewhere %d ms after the power loss%n", elsewhereAfterMs);
    }

    /**
     * Fault 11: the PC of a job is lost and the job's stored checkpoint is damaged (a byte flipped on the store's disk).
     * The store, which checks a blob's sha256 as it serves it, will not serve it (and a PC given other bytes than its
     * source stored refuses them); the PC says the checkpoint is at fault, the scheduler drops it and starts the job
     * again from the beginning (rather than trying the damaged one on every PC until its retries run out), and it
     * succeeds.
     */
    @Test
    void aDamagedCheckpointIsRefusedAndTheJobStartsAgainFromTheBeginning() throws Exception {
        JobInfo onA = runningOn(agentA, agentB, "damaged", 70, 30);
        JobInfo job = onA;
        JobInfo checkpointed = admin.awaitJob(job.id(), j -> j.checkpointBlobId() != null, Duration.ofSeconds(60));
        agentB.owner("auto");
        cluster.corruptBlob(checkpointed.checkpointBlobId());

        agentA.kill();
        try {
            JobInfo again = admin.awaitJob(job.id(), j -> j.state() == JobState.RUNNING && j.epoch() > onA.epoch()
                    && j.checkpointBlobId() == null, LOST_AFTER.plusSeconds(90));
            assertThat(again.workerId()).isEqualTo(agentB.status().workerId());
            assertThat(admin.events(job.id())).anySatisfy(e -> assertThat(String.valueOf(e.details().get("reason")))
                    .contains(checkpointed.checkpointBlobId() + " dropped"));
        } finally {
            agentA.restart();
            agentA.awaitRegistered(Duration.ofSeconds(60));
        }
        JobInfo done = admin.awaitJob(job.id(), j -> j.state().terminal(), Duration.ofSeconds(120));
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        CounterOutput output = CounterOutput.ofJob(admin, job.id());
        assertThat(output.lastTick()).isEqualTo(70);
        assertThat(output.memoryFailures()).isZero();
        await(() -> !exists(pcA.client(), AgentCommand.containerName(job.id(), onA.epoch())), Duration.ofSeconds(60),
                "the dead agent's copy removed once it is back");
        assertOneCopyAtATimeAndNothingLeft(job.id());
    }

    /**
     * Fault 3: a PC cut off from the control plane with its agent alive. Its lease runs out before the registry gives
     * the PC up, so it holds its job (no tick more) before the scheduler starts the job again on the other PC; healed,
     * it learns the job is no longer its own, keeps it held and has it removed; exactly one copy runs to the end.
     */
    @Test
    void aPartitionedPcHoldsItsJobBeforeItRunsElsewhereAndExactlyOneCopyFinishes() throws Exception {
        JobInfo onA = runningOn(agentA, agentB, "partitioned", 60, 0);
        JobInfo job = onA;
        String containerOnA = AgentCommand.containerName(job.id(), onA.epoch());
        LibpodClient a = pcA.client();
        CounterOutput.awaitTick(admin, job.id(), 3, Duration.ofSeconds(30));
        agentB.owner("auto");

        long cutAt = System.nanoTime();
        linksOfA.forEach(Partition::cut);
        await(() -> frozen(a, containerOnA), LEASE.plusSeconds(15), "the job on the cut-off PC held");
        long heldAfterMs = (System.nanoTime() - cutAt) / 1_000_000;
        long ticksWhenHeld = ticks(a, containerOnA);

        JobInfo onB = admin.awaitJob(job.id(), j -> j.state() == JobState.RUNNING && j.epoch() > onA.epoch(),
                LOST_AFTER.plusSeconds(60));
        long elsewhereAfterMs = (System.nanoTime() - cutAt) / 1_000_000;
        assertThat(heldAfterMs).as("held before the scheduler gave the job away").isLessThan(elsewhereAfterMs);
        assertThat(onB.workerId()).isNotEqualTo(onA.workerId());
        assertThat(ticks(a, containerOnA)).as("not a tick on the cut-off PC once held").isEqualTo(ticksWhenHeld);

        linksOfA.forEach(Partition::heal);
        await(() -> !exists(a, containerOnA), Duration.ofSeconds(60), "the stale copy removed after healing");
        JobInfo done = admin.awaitJob(job.id(), j -> j.state().terminal(), Duration.ofSeconds(120));
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.workerId()).isNull();
        assertThat(CounterOutput.ofJob(admin, job.id()).lastTick()).isEqualTo(60);
        assertOneCopyAtATimeAndNothingLeft(job.id());
        System.out.printf("FaultIT partition: held %d ms after the cut, running elsewhere %d ms after it%n",
                heldAfterMs, elsewhereAfterMs);
    }

    /**
     * Fault 9: the registry down for longer than the PCs' lease and their lost-after time. Both PCs hold their jobs
     * (their heartbeats fail); back, the registry gives every PC its lost-after time again instead of finding them all
     * silent, so no job is given away: each resumes where it was, in its epoch, with no retry used.
     */
    @Test
    void aRegistryOutageLongerThanTheLeaseHoldsTheJobsAndGivesNoneAway() throws Exception {
        List<JobInfo> jobs = new ArrayList<>();
        for (String name : List.of("outage-1", "outage-2")) {
            jobs.add(admin.submit(new JobSubmission(name, CounterImage.REFERENCE,
                    List.of(CounterImage.PROGRAM, "--ticks", "90", "--interval-ms", "500"), Map.of(), 1, 64L, null,
                    0L, true, 3, null, null)));
        }
        List<JobInfo> running = new ArrayList<>();
        for (JobInfo job : jobs) {
            running.add(admin.awaitJob(job.id(), j -> j.state() == JobState.RUNNING, Duration.ofSeconds(90)));
            CounterOutput.awaitTick(admin, job.id(), 3, Duration.ofSeconds(30));
        }
        assertThat(running).extracting(JobInfo::workerId).as("one job on each PC").doesNotHaveDuplicates();

        cluster.stop(ServiceCluster.Service.REGISTRY);
        long stoppedAt = System.nanoTime();
        for (JobInfo job : running) {
            LibpodClient pc = job.workerId().equals(agentA.status().workerId()) ? pcA.client() : pcB.client();
            await(() -> frozen(pc, AgentCommand.containerName(job.id(), job.epoch())), LEASE.plusSeconds(15),
                    "job " + job.id() + " held while the registry is down");
        }
        long heldWithinMs = (System.nanoTime() - stoppedAt) / 1_000_000;
        Thread.sleep(Math.max(0, LOST_AFTER.plusSeconds(10).toMillis() - heldWithinMs));
        cluster.start(ServiceCluster.Service.REGISTRY);
        long downSeconds = (System.nanoTime() - stoppedAt) / 1_000_000_000;

        for (JobInfo job : running) {
            JobInfo done = admin.awaitJob(job.id(), j -> j.state().terminal(), Duration.ofSeconds(120));
            assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(done.retries()).as("no retry used").isZero();
            assertThat(done.epoch()).as("never placed again").isEqualTo(job.epoch());
            assertThat(CounterOutput.ofJob(admin, job.id()).consecutive()).isTrue();
            assertOneCopyAtATimeAndNothingLeft(job.id());
        }
        System.out.printf("FaultIT registry outage: jobs held within %d ms of the stop; registry down %d s%n",
                heldWithinMs, downSeconds);
    }

    /**
     * Fault 10: the agent stopped with SIGTERM (a PC shutting down) while its job runs. Before it exits, it has the
     * scheduler move the job away from a checkpoint taken then: the job runs on on the other PC as one run, no tick
     * lost or repeated, and the agent exits by itself within the stop timeout.
     */
    @Test
    void anAgentStoppedForAShutdownMovesItsJobAwayAndLosesNoWork() throws Exception {
        String workerB = agentB.status().workerId();
        JobInfo onB = runningOn(agentB, agentA, "shutdown", 40, 0);
        JobInfo job = onB;
        CounterOutput.awaitTick(admin, job.id(), 5, Duration.ofSeconds(30));
        agentA.owner("auto");

        long stopping = System.nanoTime();
        int exit = agentB.stop(Duration.ofSeconds(85));
        long stoppedMs = (System.nanoTime() - stopping) / 1_000_000;
        try {
            assertThat(exit).as("exited by itself within the stop timeout, after " + stoppedMs + " ms").isNotEqualTo(-1);
            JobInfo moved = admin.awaitJob(job.id(), j -> j.state() == JobState.RUNNING && j.workerId() != null
                    && !j.workerId().equals(workerB), Duration.ofSeconds(30));
            assertThat(moved.retries()).as("moved, not restarted").isZero();
            JobInfo done = admin.awaitJob(job.id(), j -> j.state().terminal(), Duration.ofSeconds(90));
            assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
            CounterOutput output = CounterOutput.ofJob(admin, job.id());
            assertThat(output.starts()).as("one run: no work lost").isEqualTo(1);
            assertThat(output.consecutive()).as(output.ticks().toString()).isTrue();
            assertThat(output.lastTick()).isEqualTo(40);
            assertOneCopyAtATimeAndNothingLeft(job.id());
        } finally {
            agentB.restart();
            agentB.awaitRegistered(Duration.ofSeconds(60));
        }
        System.out.printf("FaultIT shutdown: the agent exited %d ms after SIGTERM, its job moved away first%n",
                stoppedMs);
    }

    /**
     * Submits a counter job of {@code ticks} half-second ticks and waits for it to run on {@code host}: until then the
     * owner of the {@code other} PC is at it (the caller sets it back to "auto" when it suits the test).
     */
    private JobInfo runningOn(AgentProcess host, AgentProcess other, String name, int ticks, long checkpointSeconds)
            throws InterruptedException {
        other.owner("active");
        JobInfo job = admin.submit(new JobSubmission(name, CounterImage.REFERENCE,
                List.of(CounterImage.PROGRAM, "--ticks", Integer.toString(ticks), "--interval-ms", "500"), Map.of(), 1,
                64L, null, checkpointSeconds, true, 3, null, null));
        JobInfo running = admin.awaitJob(job.id(), j -> j.state() == JobState.RUNNING, Duration.ofSeconds(90));
        assertThat(running.workerId()).as("placed on " + host.name()).isEqualTo(host.status().workerId());
        return running;
    }

    /** The job succeeded with every tick and its memory intact, resumed from a checkpoint rather than started again. */
    private void assertResumedToTheEnd(String jobId, int ticks) throws Exception {
        JobInfo done = admin.awaitJob(jobId, j -> j.state().terminal(), Duration.ofSeconds(120));
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        CounterOutput output = CounterOutput.ofJob(admin, jobId);
        assertThat(output.starts()).as("resumed from its checkpoint, not started again: " + output.ticks())
                .isEqualTo(1);
        assertThat(output.lastTick()).isEqualTo(ticks);
        assertThat(output.memoryFailures()).isZero();
        assertOneCopyAtATimeAndNothingLeft(jobId);
    }

    /**
     * What every fault test asserts at its end: no two copies of the job ran at once, judged from its own output (each
     * placement's lines carry their epoch and time) and from the PCs' containers sampled all along; no container of
     * the job is left on a PC and no checkpoint of it in the store.
     */
    private void assertOneCopyAtATimeAndNothingLeft(String jobId) throws Exception {
        JobRuns runs = JobRuns.ofJob(admin, jobId);
        assertThat(runs.spans()).as("the job's lines carry their epoch and time").isNotEmpty();
        assertThat(runs.overlaps()).as("placements that printed at the same time").isEmpty();
        assertThat(copies.samples()).as("the PCs were sampled").isPositive();
        assertThat(copies.doubles(jobId)).as("two live copies seen on the PCs").isEmpty();
        await(() -> containersOf(jobId).isEmpty(), Duration.ofSeconds(60), "no container of " + jobId + " left");
        await(() -> storedCheckpoints(jobId).isEmpty(), Duration.ofSeconds(60),
                "no checkpoint of " + jobId + " left in the store");
        System.out.printf("FaultIT %s: placements %s%n", jobId, runs.spans());
    }

    private List<String> containersOf(String jobId) {
        List<String> names = new ArrayList<>();
        for (SimulatedPc pc : List.of(pcA, pcB)) {
            try {
                pc.client().listByLabel(JobRunner.LABEL_JOB + "=" + jobId).forEach(c -> names.add(c.plainName()));
            } catch (RuntimeException e) {
                names.add(pc.name() + ": " + e.getMessage());
            }
        }
        return names;
    }

    private List<String> storedCheckpoints(String jobId) {
        try {
            return cluster.storedCheckpoints(jobId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Frozen: its cgroup's freezer holds it (what the agent does for an owner or a lapsed lease). */
    private static boolean frozen(LibpodClient pc, String container) {
        try {
            LibpodDriver driver = new LibpodDriver(pc, new JobCgroups(Path.of("/sys/fs/cgroup"),
                    pc.host().cgroupVersion(), pc.host().cgroupManager()));
            return driver.inspect(TaskHandle.of(container)).map(TaskStatus::suspended).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static long ticks(LibpodClient pc, String container) {
        return CounterOutput.of(pc.logs(container, -1)).lastTick();
    }

    private static boolean exists(LibpodClient pc, String container) {
        try {
            pc.inspect(container);
            return true;
        } catch (LibpodNotFoundException e) {
            return false;
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }
}
