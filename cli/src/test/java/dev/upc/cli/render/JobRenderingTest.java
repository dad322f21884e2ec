package dev.upc.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.cli.testing.Samples;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The job table, progress, state lines, event details and {@code jobs show}. */
class JobRenderingTest {

    @Test
    void progressIsCpuTimeOverTheWorkEstimate() {
        assertThat(JobProgress.percent(Samples.job("j1", JobState.RUNNING, "pc1", 252.4))).isEqualTo("42%");
        assertThat(JobProgress.percent(Samples.job("j1", JobState.RUNNING, "pc1", 900.0)))
                .as("an estimate that was too low shows as such").isEqualTo("150%");
        assertThat(JobProgress.percent(Samples.job("j1", JobState.SUCCEEDED, null, 500.0))).isEqualTo("100%");
        JobInfo noEstimate = withSubmission(Samples.job("j1", JobState.RUNNING, "pc1", 10.0), null);
        assertThat(JobProgress.percent(noEstimate)).isEqualTo("—");
    }

    @Test
    void theTableShowsTheWaitingReasonOfQueuedJobsInALastColumn() {
        List<String> lines = JobTable.of(List.of(Samples.job("j2", JobState.QUEUED),
                Samples.job("j1", JobState.RUNNING, "pc2", 252.4)), false, Samples.NOW).lines();
        assertThat(lines).containsExactly(
                "ID   NAME    STATE     PC    PROGRESS     CPU   AGE   WAITING",
                "j2   count   QUEUED    —           0%       —    3m   no online PC has 4 free cores",
                "j1   count   RUNNING   pc2        42%   4m12s    3m");
    }

    @Test
    void theOwnerColumnIsThereForOtherPeoplesJobsOnly() {
        JobInfo job = Samples.job("j1", JobState.RUNNING, "pc2", 1.0);
        assertThat(JobTable.of(List.of(job), true, Samples.NOW).lines().get(0))
                .isEqualTo("ID   NAME    OWNER   STATE     PC    PROGRESS   CPU   AGE");
        assertThat(JobTable.of(List.of(job), false, Samples.NOW).lines().get(0)).doesNotContain("OWNER", "WAITING");
    }

    @Test
    void aStateLineSaysWhereAndWhy() {
        assertThat(JobStateLine.of(Samples.job("j1", JobState.RUNNING, "pc2", 1.0))).isEqualTo("j1 RUNNING on pc2");
        assertThat(JobStateLine.of(Samples.job("j1", JobState.QUEUED)))
                .isEqualTo("j1 QUEUED: no online PC has 4 free cores");
        assertThat(JobStateLine.of(Samples.job("j1", JobState.FAILED)))
                .isEqualTo("j1 FAILED (exit code 3): exit code 3");
        assertThat(JobStateLine.of(Samples.job("j1", JobState.SUCCEEDED))).isEqualTo("j1 SUCCEEDED (exit code 0)");
    }

    @Test
    void aJobHeldForItsOwnerReadsSuspended() {
        JobInfo held = Samples.job("j1", JobState.RUNNING, "pc2", 1.0).suspended(Samples.NOW);

        assertThat(JobStateLine.of(held)).isEqualTo("j1 SUSPENDED on pc2");
        assertThat(JobTable.of(List.of(held), false, Samples.NOW).lines().get(1)).contains("SUSPENDED");
        assertThat(JobStateLine.word(Samples.job("j1", JobState.QUEUED).suspended(Samples.NOW)))
                .as("only a running job is held").isEqualTo("QUEUED");
    }

    @Test
    void eventsShowMigrationsWithTheirDowntimeAndCheckpointsWithTheirSize() {
        JobEvent migrated = new JobEvent(5, JobEventType.MIGRATED, Samples.NOW, 2, "w2", Map.of("from", "w1", "to",
                "w2", "reason", "owner is back", "downtimeMillis", 2300, "sizeBytes", 41_000_000));
        assertThat(EventText.details(migrated)).isEqualTo("w1 → w2, downtime 2.3 s, 39.1 MiB checkpoint, owner is back");
        JobEvent checkpointed = new JobEvent(4, JobEventType.CHECKPOINTED, Samples.NOW, 1, "w1", Map.of("sizeBytes",
                38_000_000L, "checkpointMillis", 850, "leaveRunning", true));
        assertThat(EventText.details(checkpointed)).isEqualTo("36.2 MiB, took 850 ms, kept running");
        assertThat(EventText.details(new JobEvent(2, JobEventType.PLACED, Samples.NOW, 1, "w1",
                Map.of("fromCheckpoint", false)))).isEqualTo("fresh start");
        assertThat(EventText.details(new JobEvent(6, JobEventType.EXITED, Samples.NOW, 1, "w1",
                Map.of("exitCode", 3, "cpuSeconds", 61.0)))).isEqualTo("exit code 3, CPU 1m01s");
    }

    @Test
    void showListsTheFieldsThenTheHistory() {
        JobInfo job = Samples.job("j2", JobState.QUEUED);
        List<JobEvent> events = List.of(new JobEvent(1, JobEventType.SUBMITTED, Samples.NOW.minusSeconds(180), 0, null,
                Map.of()));
        List<String> lines = new JobDetails(Samples.NOW, ZoneOffset.UTC).lines(job, events);
        assertThat(lines).contains(
                "STATE       QUEUED",
                "WAITING     no online PC has 4 free cores",
                "PROGRESS    0% of 10m00s estimated work",
                "COMMAND     count --fast",
                "RESOURCES   1 CPU, 512 MiB, migratable, up to 3 retries",
                "SUBMITTED   2026-12-04 11:57:00 (3m ago)",
                "",
                "EVENTS",
                "TIME       EVENT       EPOCH   PC   DETAILS",
                "11:57:00   SUBMITTED       0   —");
    }

    @Test
    void commandsAreQuotedAsAShellNeedsThem() {
        assertThat(JobDetails.command(List.of("solver", "--in", "my file.csv", "it's"))).isEqualTo(
                "solver --in 'my file.csv' 'it'\\''s'");
    }

    private static JobInfo withSubmission(JobInfo job, Double estimate) {
        return new JobInfo(job.id(), job.state(), job.epoch(), job.workerId(),
                Samples.submission("count", estimate), job.submittedAt(), job.updatedAt(), job.startedAt(),
                job.finishedAt(), job.retries(), job.exitCode(), job.cpuSeconds(), job.checkpointBlobId(),
                job.reason(), job.owner(), job.waitingReason(), job.hasOutput(), job.workerName());
    }
}
