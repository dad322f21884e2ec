package dev.upc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.libpod.ContainerSummary;
import dev.upc.agent.libpod.ContainerSpec;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.e2e.agent.AgentProcess;
import dev.upc.cli.client.UpcClient;
import dev.upc.e2e.cluster.ServiceCluster;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterOutput;
import dev.upc.e2e.job.JobRuns;
import dev.upc.e2e.pc.CopyWatch;
import dev.upc.e2e.pc.SimulatedPc;
import dev.upc.agent.libpod.LogLine;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ImageArchive;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobOutput;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.OwnerState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The real worker agent end to end: the packaged registry, scheduler and checkpoint store as processes on a private
 * PostgreSQL, two simulated PCs (own podman services) each served by a real agent process, real CRIU. The job image
 * reaches the PCs only through the store, as on a cluster without a container registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentIT {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    /** A failed test keeps the cluster's work dir (service and agent logs) for the post-mortem. */
    @RegisterExtension
    final TestWatcher keepLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (cluster != null) {
                cluster.keepWorkDir();
                System.err.println("AgentIT: " + context.getDisplayName() + " failed; logs kept in " + cluster.workDir());
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
    private String workerA;
    private String workerB;

    @BeforeAll
    void startClusterPcsAndAgents() throws IOException {
        Path work = Files.createDirectories(Path.of("target", "agent-it")).toAbsolutePath();
        cluster = ServiceCluster.builder().workDir(Files.createTempDirectory(work, "cluster-")).start();
        admin = cluster.admin();
        pcA = SimulatedPc.start("a");
        pcB = SimulatedPc.start("b");
        copies = CopyWatch.start(Map.of("a", pcA.client(), "b", pcB.client()), Duration.ofMillis(500));
        CounterImage image = CounterImage.build(work);
        Path archive = image.archive(pcA.client());
        admin.putBlob(BlobKind.IMAGES, ImageArchive.blobId(CounterImage.REFERENCE), archive);
        pcA.runCli(Duration.ofSeconds(60), "rmi", "-f", CounterImage.REFERENCE); // the PCs get it from the store
        // A is the slow PC (a third of a core), B the fast one.
        agentA = AgentProcess.start(cluster, pcA, 34, Map.of());
        agentB = AgentProcess.start(cluster, pcB, 100, Map.of());
        workerA = agentA.awaitRegistered(Duration.ofSeconds(60)).workerId();
        workerB = agentB.awaitRegistered(Duration.ofSeconds(60)).workerId();
    }

    @AfterAll
    void stopEverything() {
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

    @AfterEach
    void agentsRunning() {
        for (AgentProcess agent : List.of(agentA, agentB)) {
            if (!agent.alive()) {
                agent.restart();
            }
            agent.owner("auto");
        }
    }

    @Test
    void runsAJobToCompletionWithItsLogShippedAndItsOutputInTheStore() {
        JobInfo job = admin.submit(counter("short", 8, 10, 100, "/out"));

        JobInfo done = admin.awaitJob(job.id(), j -> j.state().terminal(), JOB_TIMEOUT);

        assertThat(done.state()).as(describe(done)).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.exitCode()).isZero();
        CounterOutput output = CounterOutput.ofJob(admin, job.id()); // the log the agent shipped while it ran
        assertThat(output.ticks()).hasSize(10);
        assertThat(output.consecutive()).isTrue();
        String tar = blob(BlobKind.OUTPUTS, JobOutput.blobId(job.id(), done.epoch()));
        assertThat(tar).contains("result.txt");
        assertThat(event(job.id(), JobEventType.EXITED).details()).containsEntry("outputBlobId",
                JobOutput.blobId(job.id(), done.epoch()));
        awaitNoContainer(job.id());
    }

    @Test
    void theCpuTimeReportedAtExitIsTheJobsOwnToTheEnd() {
        // About a second of CPU, then the shell's own account of it: far less than a heartbeat apart, so a reading
        // taken at the last heartbeat would miss most of it.
        JobSubmission burn = new JobSubmission("burn", CounterImage.REFERENCE, List.of("/bin/sh", "-c",
                "i=0; while [ $i -lt 1000000 ]; do i=$((i+1)); done; times"), Map.of(), 1, 64L, null, 0L, true, 1, null,
                null);
        JobInfo job = admin.submit(burn);

        JobInfo done = admin.awaitJob(job.id(), j -> j.state().terminal(), JOB_TIMEOUT);

        assertThat(done.state()).as(describe(done)).isEqualTo(JobState.SUCCEEDED);
        StringBuilder log = new StringBuilder();
        admin.logs(job.id(), false, entry -> log.append(entry.text() == null ? "" : entry.text()).append('\n'));
        Matcher times = Pattern.compile("(\\d+)m([\\d.]+)s\\s+(\\d+)m([\\d.]+)s").matcher(log);
        assertThat(times.find()).as("the shell's times in %s", log).isTrue();
        double own = Integer.parseInt(times.group(1)) * 60 + Double.parseDouble(times.group(2))
                + Integer.parseInt(times.group(3)) * 60 + Double.parseDouble(times.group(4));
        Object reported = event(job.id(), JobEventType.EXITED).details().get("cpuSeconds");
        assertThat(reported).as("cpuSeconds at EXITED").isInstanceOf(Number.class);
        // The container's cgroup also counts runc's start of it, a few tens of ms; conmon's time is not the job's.
        assertThat(((Number) reported).doubleValue()).as("the shell counted %.3f s", own)
                .isBetween(own * 0.98, own * 1.05 + 0.1);
        Object ran = event(job.id(), JobEventType.EXITED).details().get("runMillis");
        assertThat(ran).as("the container's own run time").isInstanceOf(Number.class);
        assertThat(((Number) ran).longValue()).as("ran, on a whole core, at least the CPU it used")
                .isBetween((long) (own * 950), 60_000L);
        awaitNoContainer(job.id());
    }

    @Test
    void migratesARunningJobThroughTheStoreAndItContinues() {
        JobInfo job = runningJob(counter("migrating", 64, 60, 200, null));
        String from = job.workerId();
        String to = other(from);

        migrate(job.id(), to);
        JobInfo moved = admin.awaitJob(job.id(), j -> to.equals(j.workerId()) && j.state() == JobState.RUNNING,
                JOB_TIMEOUT);
        assertThat(moved.epoch()).isGreaterThan(job.epoch());
        JobEvent migrated = event(job.id(), JobEventType.MIGRATED);
        assertThat(migrated.details()).containsKeys("checkpointMillis", "sizeBytes", "restoreMillis", "downtimeMillis",
                "uploadMillis", "downloadMillis", "imageMillis", "coordinationMillis");
        // Restored under the target's quota, not the one the archive's spec brought from the source.
        String quota = pcOf(to).runCli(Duration.ofSeconds(30), "inspect", "--format", "{{.HostConfig.CpuQuota}}",
                containerName(moved)).trim();
        assertThat(quota).isEqualTo(to.equals(workerB) ? "100000" : "34000");
        assertThat(readLog(to.equals(workerB) ? agentB : agentA)).as("the quota came with the restore, not after it")
                .doesNotContain("spec was not rewritten")
                .as("the target fetched the checkpoint while the source uploaded it (PREFETCH)")
                .contains("restored from its prefetch of " + migrated.details().get("blobId"));

        assertContinuedToTheEnd(job.id(), 60);
    }

    @Test
    void periodicCheckpointKeepsTheJobRunningAndCancelKillsIt() {
        JobSubmission spec = withInterval(counter("periodic", 16, 100000, 200, null), 30);
        JobInfo job = runningJob(spec);

        awaitEvent(job.id(), JobEventType.CHECKPOINTED, Duration.ofSeconds(60));
        JobEvent checkpoint = event(job.id(), JobEventType.CHECKPOINTED);
        assertThat(checkpoint.details()).containsEntry("leaveRunning", true);
        JobInfo after = admin.job(job.id());
        assertThat(after.state()).isEqualTo(JobState.RUNNING);
        assertThat(after.checkpointBlobId()).isEqualTo(checkpoint.details().get("blobId"));
        assertThat(pcOf(after.workerId()).client().inspect(containerName(after)).running()).isTrue();

        cancel(job.id());
        admin.awaitJob(job.id(), j -> j.state() == JobState.CANCELLED, JOB_TIMEOUT);
        awaitNoContainer(job.id());
    }

    @Test
    void theOwnerComingBackMovesTheJobAway() {
        JobInfo job = runningJob(counter("owner", 16, 80, 200, null));
        AgentProcess host = agentOf(job.workerId());

        host.owner("active");

        JobInfo moved = admin.awaitJob(job.id(), j -> !job.workerId().equals(j.workerId())
                && j.state() == JobState.RUNNING, JOB_TIMEOUT);
        assertThat(moved.workerId()).isEqualTo(other(job.workerId()));
        assertThat(moved.suspendedSince()).as("it runs freely on the PC it moved to").isNull();
        assertThat(admin.events(job.id())).extracting(JobEvent::type).as("held first, then moved")
                .containsSubsequence(JobEventType.SUSPENDED, JobEventType.MIGRATION_STARTED, JobEventType.MIGRATED);
        assertThat(event(job.id(), JobEventType.MIGRATION_STARTED).details().get("reason").toString())
                .containsIgnoringCase("owner");
        host.owner("auto");
        assertContinuedToTheEnd(job.id(), 80);
    }

    @Test
    void aJobHeldForItsOwnerWaitsWhileNoPcIsFreeAndRunsOnWhenTheOwnerLeaves() {
        JobSubmission work = new JobSubmission("held", CounterImage.REFERENCE, List.of(CounterImage.PROGRAM, "--work",
                "8"), Map.of(), 1, 64L, null, 0L, true, 1, null, null);
        JobInfo job = runningJob(work);
        AgentProcess host = agentOf(job.workerId());
        agentOf(other(job.workerId())).owner("active"); // no PC is free to take it

        host.owner("active");

        JobInfo held = admin.awaitJob(job.id(), j -> j.suspendedSince() != null, Duration.ofSeconds(10));
        assertThat(held.state()).isEqualTo(JobState.RUNNING);
        assertThat(held.workerId()).isEqualTo(job.workerId());
        awaitEvent(job.id(), JobEventType.SUSPENDED, Duration.ofSeconds(5));
        LibpodClient pc = pcOf(job.workerId()).client();
        long ticksHeld = CounterOutput.of(pc.logs(containerName(held), -1)).lastTick();
        sleep(4000); // a work unit takes about a second of a core; held, it gets a thousandth of one
        assertThat(CounterOutput.of(pc.logs(containerName(held), -1)).lastTick()).as("no work while held")
                .isLessThanOrEqualTo(ticksHeld + 1);
        assertThat(admin.events(job.id())).extracting(JobEvent::type).as("held, not evicted: nowhere to go")
                .doesNotContain(JobEventType.EVICTED, JobEventType.MIGRATION_STARTED);

        host.owner("auto");

        awaitEvent(job.id(), JobEventType.RESUMED, Duration.ofSeconds(10));
        agentOf(other(job.workerId())).owner("auto");
        assertThat(admin.job(job.id()).suspendedSince()).isNull();
        assertContinuedToTheEnd(job.id(), 8);
    }

    @Test
    void aSnoozeTakesThePcBackAsTheOwnerWould() {
        JobInfo job = runningJob(counter("snooze", 16, 60, 200, null));
        AgentProcess host = agentOf(job.workerId());

        host.owner("snooze/1h"); // upc-agent owner snooze 1h

        JobInfo moved = admin.awaitJob(job.id(), j -> !job.workerId().equals(j.workerId())
                && j.state() == JobState.RUNNING, JOB_TIMEOUT);
        assertThat(moved.workerId()).isEqualTo(other(job.workerId()));
        assertThat(host.status().ownerState()).isEqualTo(OwnerState.ACTIVE);
        host.owner("auto"); // ends the snooze
        assertContinuedToTheEnd(job.id(), 60);
    }

    @Test
    void theOwnersCpuCapReachesTheRunningJobAndTheRegistry() {
        JobInfo job = runningJob(counter("cap", 16, 40, 200, null)); // a 1-CPU job; its PC lends 1 core
        AgentProcess host = agentOf(job.workerId());
        LibpodClient pc = pcOf(job.workerId()).client();
        double speed = registeredSpeed(job.workerId());
        double share = host.status().jobCpus(); // the configured cap (34 % or 100 %) of the one lent core
        long quota = cpuQuotaMicros(pc, containerName(job));
        assertThat(quota).isEqualTo(Math.round(share * 100_000));

        host.owner("cpu/25"); // upc-agent owner cpu 25

        await(() -> cpuQuotaMicros(pc, containerName(job)) == 25_000, Duration.ofSeconds(10),
                "the running job's CPU quota cut from " + quota + " to 25000 µs per 100 ms");
        await(() -> Math.abs(registeredSpeed(job.workerId()) - speed * 0.25 / share) < 1e-9, Duration.ofSeconds(10),
                "the PC registered at 25 % instead of " + share * 100 + " % of its speed");
        assertThat(host.status().jobCpus()).isEqualTo(0.25);

        host.owner("cpu/default");

        await(() -> cpuQuotaMicros(pc, containerName(job)) == quota, Duration.ofSeconds(10),
                "the job's quota back to " + quota + " µs");
        await(() -> Math.abs(registeredSpeed(job.workerId()) - speed) < 1e-9, Duration.ofSeconds(10),
                "the PC's speed back to " + speed);
        cancel(job.id());
        admin.awaitJob(job.id(), j -> j.state() == JobState.CANCELLED, JOB_TIMEOUT);
    }

    /** A job that writes more than it asked for is stopped by its PC's agent (not the scheduler) and says why. */
    @Test
    void aJobWritingMoreDiskThanItAskedForIsStoppedAndSaysWhy() {
        JobSubmission spec = new JobSubmission("disk-hog", CounterImage.REFERENCE, List.of("sh", "-c",
                "dd if=/dev/zero of=/tmp/fill bs=1M count=48 2>/dev/null; sleep 600"), Map.of(), 1, 64L, null, 0L,
                true, 0, null, null, 32L);
        JobInfo job = admin.submit(spec);

        JobInfo ended = admin.awaitJob(job.id(), j -> j.state().terminal(), Duration.ofSeconds(60));

        assertThat(ended.state()).as(describe(ended)).isEqualTo(JobState.FAILED);
        assertThat(ended.exitCode()).isEqualTo(137);
        assertThat(ended.reason()).contains("wrote more than the 32 MiB of disk it asked for (diskMiB)");
        assertThat(event(job.id(), JobEventType.EXITED).details().get("reason").toString())
                .contains("MiB in its container's file system");
    }

    private double registeredSpeed(String workerId) {
        return admin.workers().stream().filter(w -> w.workerId().equals(workerId)).findFirst().orElseThrow()
                .registration().benchmarkScore();
    }

    /** The CPU quota of a running container's own cgroup, in either cgroup layout; -1 for none. */
    private static long cpuQuotaMicros(LibpodClient pc, String container) {
        String cgroup = pc.inspect(container).cgroupPath();
        try {
            for (String v1 : List.of("/sys/fs/cgroup/cpu,cpuacct%s/cpu.cfs_quota_us",
                    "/sys/fs/cgroup/cpu%s/cpu.cfs_quota_us")) {
                Path file = Path.of(String.format(v1, cgroup));
                if (Files.exists(file)) {
                    return Long.parseLong(Files.readString(file).strip());
                }
            }
            String max = Files.readString(Path.of("/sys/fs/cgroup" + cgroup + "/cpu.max")).strip().split(" ")[0];
            return max.equals("max") ? -1 : Long.parseLong(max);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            sleep(100);
        }
    }

    @Test
    void anAgentKilledMidRunFindsItsJobAgainAfterRestart() {
        JobInfo job = runningJob(counter("crash", 16, 50, 200, null));
        AgentProcess host = agentOf(job.workerId());

        host.kill();
        sleep(1500);
        host.restart();
        assertThat(host.awaitRegistered(Duration.ofSeconds(60)).workerId()).isEqualTo(job.workerId());

        assertContinuedToTheEnd(job.id(), 50);
        // Never lost, never restarted (the planner may still have moved it to a faster PC meanwhile).
        assertThat(admin.events(job.id())).extracting(JobEvent::type)
                .doesNotContain(JobEventType.RECOVERED, JobEventType.RETRIED);
    }

    @Test
    void aJobRunsThroughRestartsOfTheSchedulerAndTheRegistry() {
        JobInfo job = runningJob(counter("outage", 16, 60, 200, null));

        cluster.restartScheduler();
        cluster.restartRegistry();

        assertContinuedToTheEnd(job.id(), 60);
        assertThat(admin.events(job.id())).extracting(JobEvent::type)
                .doesNotContain(JobEventType.RECOVERED, JobEventType.RETRIED);
        agentA.await(s -> s.lastError() == null && s.pendingEvents() == 0, Duration.ofSeconds(30), "reconnected");
        agentB.await(s -> s.lastError() == null && s.pendingEvents() == 0, Duration.ofSeconds(30), "reconnected");
    }

    @Test
    void anAgentKilledMidCheckpointRecoversTheJob() {
        JobInfo job = runningJob(counter("mid-checkpoint", 256, 100, 200, null));
        AgentProcess source = agentOf(job.workerId());

        migrate(job.id(), other(job.workerId()));
        awaitEvent(job.id(), JobEventType.MIGRATION_STARTED, Duration.ofSeconds(30));
        sleep(700); // within the dump or the upload of 256 MiB
        source.kill();
        source.restart();
        source.awaitRegistered(Duration.ofSeconds(60));

        assertContinuedToTheEnd(job.id(), 100);
    }

    /** Fault 5 of issue 20: the target's agent killed while it restores; started again, it finishes the move. */
    @Test
    void aTargetAgentKilledMidRestoreFinishesTheMoveOnceBack() {
        JobInfo job = runningJob(counter("mid-restore", 128, 100, 200, null));
        String target = other(job.workerId());
        AgentProcess targetAgent = agentOf(target);

        migrate(job.id(), target);
        awaitEvent(job.id(), JobEventType.CHECKPOINTED, Duration.ofSeconds(60));
        sleep(300); // the RESTORE reached the target: within its download or restore of 128 MiB
        targetAgent.kill();
        targetAgent.restart();
        targetAgent.awaitRegistered(Duration.ofSeconds(60));

        assertContinuedToTheEnd(job.id(), 100);
    }

    /**
     * Fault 6 of issue 20: the store killed with {@code kill -9} while a migration's checkpoint is uploaded, and started
     * again a few seconds later. Whether the move then fails (the job goes on where it was, from the dump its PC kept)
     * or completes, the job runs to its end as one run.
     */
    @Test
    void theStoreKilledMidUploadLosesNoWork() {
        JobInfo job = runningJob(counter("store-killed", 256, 100, 200, null));

        migrate(job.id(), other(job.workerId()));
        awaitEvent(job.id(), JobEventType.MIGRATION_STARTED, Duration.ofSeconds(30));
        sleep(700); // within the dump or the upload of 256 MiB
        cluster.kill(ServiceCluster.Service.STORE);
        sleep(3000);
        cluster.start(ServiceCluster.Service.STORE);

        assertContinuedToTheEnd(job.id(), 100);
    }

    /** Fault 7 of issue 20: the scheduler restarted in the middle of a migration; the move or its rollback completes. */
    @Test
    void theSchedulerRestartedMidMigrationCompletesIt() {
        JobInfo job = runningJob(counter("scheduler-restart", 128, 100, 200, null));

        migrate(job.id(), other(job.workerId()));
        awaitEvent(job.id(), JobEventType.MIGRATION_STARTED, Duration.ofSeconds(30));
        cluster.restartScheduler();

        assertContinuedToTheEnd(job.id(), 100);
    }

    /**
     * Fault 12 of issue 20, at the source: the PC's podman service crashes while it checkpoints a job for a migration
     * (the runc and CRIU it started run on) and is back a second later. The move completes or fails; either way the
     * job runs to its end, from where it was or from a checkpoint, and never twice at once.
     */
    @Test
    void thePodmanServiceCrashedMidCheckpointLosesNoJob() {
        JobInfo job = runningJob(counter("podman-checkpoint", 256, 100, 200, null));

        migrate(job.id(), other(job.workerId()));
        awaitEvent(job.id(), JobEventType.MIGRATION_STARTED, Duration.ofSeconds(30));
        sleep(500); // within the dump or the export of 256 MiB
        pcOf(job.workerId()).crashService(Duration.ofSeconds(1));

        assertRanToTheEnd(job.id(), 100);
    }

    /** Fault 12 of issue 20, at the target: its podman service crashes while it restores the job. */
    @Test
    void thePodmanServiceCrashedMidRestoreLosesNoJob() {
        JobInfo job = runningJob(counter("podman-restore", 256, 100, 200, null));
        String target = other(job.workerId());

        migrate(job.id(), target);
        awaitEvent(job.id(), JobEventType.CHECKPOINTED, Duration.ofSeconds(60));
        sleep(500); // the RESTORE reached the target: within its download or import of 256 MiB
        pcOf(target).crashService(Duration.ofSeconds(1));

        assertRanToTheEnd(job.id(), 100);
    }

    @Test
    void aCorruptedArchiveIsRefusedAndTheJobRunsOnWhereItWas() throws IOException {
        JobInfo job = runningJob(counter("corrupt", 32, 80, 200, null));
        String target = other(job.workerId());
        AgentProcess targetAgent = agentOf(target);

        targetAgent.pause();
        try {
            migrate(job.id(), target);
            JobEvent checkpoint = awaitEvent(job.id(), JobEventType.CHECKPOINTED, Duration.ofSeconds(60));
            cluster.corruptBlob(checkpoint.details().get("blobId").toString());
        } finally {
            targetAgent.resume();
        }

        JobEvent failed = awaitEvent(job.id(), JobEventType.MIGRATION_FAILED, Duration.ofSeconds(60));
        assertThat(failed.details()).containsEntry("rolledBackTo", job.workerId());
        JobInfo back = admin.awaitJob(job.id(), j -> j.state() == JobState.RUNNING
                && job.workerId().equals(j.workerId()) && j.epoch() > job.epoch() + 1, JOB_TIMEOUT);
        assertThat(back.workerId()).isEqualTo(job.workerId());
        assertContinuedToTheEnd(job.id(), 80);
    }

    @Test
    void aContainerOfAStaleEpochIsFencedByTheScheduler() {
        JobInfo job = admin.submit(counter("fenced", 8, 5, 100, null));
        JobInfo done = admin.awaitJob(job.id(), j -> j.state().terminal(), JOB_TIMEOUT);
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        // A copy of an old epoch shows up on A, as after a partition: the agent reports it, the scheduler kills it.
        String stale = "upc-" + job.id() + "-" + done.epoch();
        LibpodClient a = pcA.client();
        // The job's own container of that name is removed by its agent just after the job is reported done.
        awaitGone(a, stale, Duration.ofSeconds(60));
        a.create(ContainerSpec.of(stale, CounterImage.REFERENCE, List.of(CounterImage.PROGRAM, "--interval-ms", "500"))
                .withLabels(Map.of("upc.job", job.id(), "upc.epoch", Long.toString(done.epoch()))));
        a.start(stale);

        awaitGone(a, stale, Duration.ofSeconds(60));
    }

    @Test
    void trainingStartsForRealStopsByItselfAndASecondAgentOnOneStateIsRefused() throws IOException {
        // The state directory of the running agent A is locked: a second agent would undo its work.
        try (AgentProcess second = AgentProcess.start(cluster, pcA, 34, Map.of(), AgentProcess.Launch.packagedJar(),
                "train")) {
            assertThat(second.awaitExit(Duration.ofSeconds(60))).as(second.tail()).hasValue(3);
            assertThat(String.join("\n", second.logOfThisStart())).contains("another upc-agent uses");
        }
        // On a PC of its own, `train` (what upc-agent train-aot records the AOT cache from) registers, heartbeats
        // and stops by itself.
        try (SimulatedPc pcT = SimulatedPc.start("t");
             AgentProcess training = AgentProcess.start(cluster, pcT, 50, Map.of(), AgentProcess.Launch.packagedJar(),
                     "train")) {
            assertThat(training.awaitExit(Duration.ofSeconds(90))).as(training.tail()).hasValue(0);
            String log = String.join("\n", training.logOfThisStart());
            assertThat(log).contains("registered worker=", "upc-agent train: registered, heartbeat and poll went through");
            // the PC is gone again: no job of a later test may wait for it
            java.util.regex.Matcher worker = java.util.regex.Pattern.compile("registered worker=(\\S+)").matcher(log);
            assertThat(worker.find()).isTrue();
            admin.drain(worker.group(1));
        }
        assertThat(agentA.alive()).isTrue();
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static JobSubmission counter(String name, int memMiB, int ticks, int intervalMs, String outputPath) {
        List<String> command = new ArrayList<>(List.of(CounterImage.PROGRAM, "--mem", Integer.toString(memMiB),
                "--ticks", Integer.toString(ticks), "--interval-ms", Integer.toString(intervalMs)));
        if (outputPath != null) {
            command.addAll(List.of("--out", outputPath));
        }
        return new JobSubmission(name, CounterImage.REFERENCE, command, Map.of(), 1, (long) Math.max(64, memMiB * 2),
                null, 0L, true, 1, outputPath, null);
    }

    private static JobSubmission withInterval(JobSubmission s, long seconds) {
        return new JobSubmission(s.name(), s.image(), s.command(), s.env(), s.cpus(), s.memoryMiB(), s.workEstimate(),
                seconds, s.migratable(), s.maxRetries(), s.outputPath(), s.inputs());
    }

    private JobInfo runningJob(JobSubmission spec) {
        JobInfo job = admin.submit(spec);
        JobInfo running = admin.awaitJob(job.id(), j -> j.state() == JobState.RUNNING || j.state().terminal(),
                JOB_TIMEOUT);
        assertThat(running.state()).as(describe(running)).isEqualTo(JobState.RUNNING);
        awaitTicks(running, 3);
        return admin.job(job.id());
    }

    private void awaitTicks(JobInfo job, int ticks) {
        LibpodClient pc = pcOf(job.workerId()).client();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (CounterOutput.of(pc.logs(containerName(job), -1)).lastTick() >= ticks) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not created yet
            }
            sleep(100);
        }
        throw new AssertionError("job " + job.id() + " did not tick " + ticks + " times");
    }

    private void assertContinuedToTheEnd(String jobId, int ticks) {
        CounterOutput output = assertRanToTheEnd(jobId, ticks);
        assertThat(output.consecutive()).as("ticks without a gap or restart: " + output.ticks()).isTrue();
        assertThat(output.starts()).as("started once, never from scratch").isEqualTo(1);
    }

    /**
     * The job succeeded with every tick and its memory intact, never ran twice at once, and left nothing behind; it
     * may have started again from the beginning (its output says how often).
     */
    private CounterOutput assertRanToTheEnd(String jobId, int ticks) {
        JobInfo done = admin.awaitJob(jobId, j -> j.state().terminal(), JOB_TIMEOUT);
        assertThat(done.state()).as(describe(done)).isEqualTo(JobState.SUCCEEDED);
        CounterOutput output = CounterOutput.ofJob(admin, jobId); // every placement's lines, stitched
        assertThat(output.lastTick()).as(describe(done)).isEqualTo(ticks);
        assertThat(output.memoryFailures()).isZero();
        assertOneCopyAtATime(jobId);
        awaitNoContainer(jobId);
        awaitNoCheckpoint(jobId);
        System.out.printf("AgentIT %s: %d start(s), %d ticks printed for %d%n", jobId, output.starts(),
                output.ticks().size(), ticks);
        return output;
    }

    /** No two copies ran at once: judged from the job's own output and from the PCs' containers sampled meanwhile. */
    private void assertOneCopyAtATime(String jobId) {
        JobRuns runs = JobRuns.ofJob(admin, jobId);
        assertThat(runs.spans()).as("the job's lines carry their epoch and time").isNotEmpty();
        assertThat(runs.overlaps()).as("placements that printed at the same time").isEmpty();
        assertThat(copies.samples()).as("the PCs were sampled").isPositive();
        assertThat(copies.doubles(jobId)).as("two live copies seen on the PCs").isEmpty();
    }

    private void awaitNoCheckpoint(String jobId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> left;
        try {
            while (!(left = cluster.storedCheckpoints(jobId)).isEmpty() && System.nanoTime() < deadline) {
                sleep(200);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(left).as("checkpoints of the finished job left in the store").isEmpty();
    }

    private void migrate(String jobId, String target) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.schedulerUrl() + "/api/v1/jobs/" + jobId
                        + "/migrate"))
                .header("Authorization", "Bearer " + cluster.adminToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"targetWorkerId\":\"" + target + "\"}")).build();
        assertThat(send(request).statusCode()).as("migrate " + jobId).isBetween(200, 299);
    }

    private void cancel(String jobId) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.schedulerUrl() + "/api/v1/jobs/" + jobId))
                .header("Authorization", "Bearer " + cluster.adminToken()).DELETE().build();
        assertThat(send(request).statusCode()).as("cancel " + jobId).isBetween(200, 299);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JobEvent event(String jobId, JobEventType type) {
        return admin.events(jobId).stream().filter(e -> e.type() == type).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + type + " event for " + jobId + ": "
                        + admin.events(jobId)));
    }

    private JobEvent awaitEvent(String jobId, JobEventType type, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var found = admin.events(jobId).stream().filter(e -> e.type() == type).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            sleep(100);
        }
        throw new AssertionError("no " + type + " event for " + jobId + " within " + timeout + ": "
                + admin.events(jobId));
    }

    private void awaitNoContainer(String jobId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (containersOf(jobId).isEmpty()) {
                return;
            }
            sleep(200);
        }
        throw new AssertionError("containers of " + jobId + " left behind: " + containersOf(jobId));
    }

    private List<String> containersOf(String jobId) {
        List<String> names = new ArrayList<>();
        for (SimulatedPc pc : List.of(pcA, pcB)) {
            for (ContainerSummary c : pc.client().listByLabel("upc.job=" + jobId)) {
                names.add(pc.name() + ":" + c.name());
            }
        }
        return names;
    }

    private static void awaitGone(LibpodClient pc, String container, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!pc.exists(container)) {
                return;
            }
            sleep(200);
        }
        throw new AssertionError(container + " still exists after " + timeout);
    }

    private String blob(BlobKind kind, String id) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        admin.getBlob(kind, id, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private String other(String workerId) {
        return workerId.equals(workerA) ? workerB : workerA;
    }

    private SimulatedPc pcOf(String workerId) {
        return workerId.equals(workerA) ? pcA : pcB;
    }

    private AgentProcess agentOf(String workerId) {
        return workerId.equals(workerA) ? agentA : agentB;
    }

    private static String readLog(AgentProcess agent) {
        try {
            return Files.readString(agent.log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String containerName(JobInfo job) {
        return "upc-" + job.id() + "-" + job.epoch();
    }

    private String describe(JobInfo job) {
        return job + "\nevents: " + admin.events(job.id()) + "\nagent A:\n" + agentA.tail() + "\nagent B:\n"
                + agentB.tail();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
