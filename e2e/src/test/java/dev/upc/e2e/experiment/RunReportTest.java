package dev.upc.e2e.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.MigrationPhases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunReportTest {

    private static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
    private static final Map<String, String> PCS = Map.of("w-fast", "pc1", "w-slow", "pc4", "w-mid", "pc2");

    /** job-1: placed on the slow PC, moved to the fast one at 30 s, done at 40 s. job-2: on pc2 from 1 s to 20 s. */
    private static List<JobRecord> crafted() {
        List<JobEvent> migrated = List.of(
                event(1, JobEventType.SUBMITTED, 0.0, 0, null, Map.of()),
                event(2, JobEventType.PLACED, 0.5, 1, "w-slow", Map.of()),
                event(3, JobEventType.STARTED, 1.0, 1, "w-slow", Map.of()),
                event(4, JobEventType.MIGRATION_STARTED, 30.0, 1, "w-slow",
                        Map.of("from", "w-slow", "to", "w-fast", "reason", "FASTER_WORKER")),
                event(5, JobEventType.CHECKPOINTED, 30.4, 1, "w-slow",
                        Map.of("leaveRunning", false, "sizeBytes", 33_554_432)),
                event(6, JobEventType.MIGRATED, 31.2, 2, "w-fast", Map.of("from", "w-slow", "to", "w-fast",
                        "downtimeMillis", 1200, "checkpointMillis", 400, "sizeBytes", 33_554_432,
                        "uploadMillis", 200, "downloadMillis", 100, "restoreMillis", 500, "coordinationMillis", 0)),
                event(7, JobEventType.EXITED, 40.0, 2, "w-fast", Map.of("exitCode", 0, "cpuSeconds", 7.5)),
                event(8, JobEventType.SUCCEEDED, 40.0, 2, "w-fast", Map.of()));
        List<JobEvent> stayed = List.of(
                event(1, JobEventType.SUBMITTED, 0.1, 0, null, Map.of()),
                event(2, JobEventType.PLACED, 0.6, 1, "w-mid", Map.of()),
                event(3, JobEventType.STARTED, 1.0, 1, "w-mid", Map.of()),
                event(4, JobEventType.EXITED, 20.0, 1, "w-mid", Map.of("exitCode", 0, "cpuSeconds", 7.9)),
                event(5, JobEventType.SUCCEEDED, 20.1, 1, "w-mid", Map.of()));
        return List.of(new JobRecord("id1", "job-1", 14, migrated, Map.of(1L, 5.9), Map.of(1L, 6L)),
                new JobRecord("id2", "job-2", 8, stayed, Map.of(), Map.of()));
    }

    @Test
    void aMigratedJobRunsInTwoSegmentsJoinedByOneMigration() {
        RunReport report = RunReport.of("with-migration", crafted(), PCS, List.of());

        RunReport.JobTimeline job = report.jobs().get(0);
        assertThat(job.segments()).containsExactly(new RunReport.Segment("pc4", 1, 1.0, 30.0, 5.9),
                new RunReport.Segment("pc1", 2, 31.2, 40.0, 7.5));
        assertThat(job.path()).isEqualTo("pc4 → pc1");
        assertThat(job.state()).isEqualTo("SUCCEEDED");
        assertThat(job.finished()).isEqualTo(40.0);
        assertThat(report.migrations()).containsExactly(new RunReport.Migration("job-1", "pc4", "pc1", 30.0, 31.2,
                1200, new MigrationPhases(400, 200, 0, 100, 500, 0), 33_554_432, 6L));
    }

    @Test
    void makespanRunsFromTheFirstSubmitToTheLastFinishAndCpuAddsUpEveryPlacement() {
        RunReport report = RunReport.of("with-migration", crafted(), PCS, List.of());

        assertThat(report.makespan()).isEqualTo(40.0);
        assertThat(report.cpuSeconds()).isEqualTo(5.9 + 7.5 + 7.9);
        assertThat(report.jobs().get(1).cpuSeconds()).isEqualTo(7.9);
        assertThat(report.allSucceeded()).isTrue();
        assertThat(report.meanDowntimeMillis()).isEqualTo(1200.0);
        assertThat(report.maxDowntimeMillis()).isEqualTo(1200);
    }

    @Test
    void theCpuShareOfAPcIsItsJobsCpuTimeOverTheirTimeThere() {
        RunReport report = RunReport.of("with-migration", crafted(), PCS, List.of());

        assertThat(report.cpuShareByPc()).containsEntry("pc4", 5.9 / 29.0).containsEntry("pc1", 7.5 / 8.8)
                .containsEntry("pc2", 7.9 / 19.0);
    }

    @Test
    void theShareUsesTheContainersOwnRunTimeWhereTheAgentMeasuredIt() {
        List<JobEvent> measured = List.of(event(1, JobEventType.SUBMITTED, 0, 0, null, Map.of()),
                event(2, JobEventType.STARTED, 1.0, 1, "w-fast", Map.of()),
                // 9.0 s between the events; the container ran 8.0 s of them, and used 6.4 CPU-s: 80 % of a core
                event(3, JobEventType.EXITED, 10.0, 1, "w-fast", Map.of("exitCode", 0, "cpuSeconds", 6.4,
                        "runMillis", 8000)),
                event(4, JobEventType.SUCCEEDED, 10.0, 1, "w-fast", Map.of()));

        RunReport report = RunReport.of("r", List.of(new JobRecord("id3", "job-3", 8, measured, Map.of(), Map.of())),
                PCS, List.of());

        assertThat(report.cpuShareByPc().get("pc1")).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(report.runSeconds()).as("the study's metric stays the events' span").isEqualTo(9.0);
    }

    @Test
    void overlappingSegmentsOnOnePcShowAsOverbooking() {
        List<JobEvent> other = List.of(event(1, JobEventType.SUBMITTED, 0, 0, null, Map.of()),
                event(2, JobEventType.STARTED, 35, 1, "w-fast", Map.of()),
                event(3, JobEventType.EXITED, 50, 1, "w-fast", Map.of("cpuSeconds", 1.0)),
                event(4, JobEventType.SUCCEEDED, 50, 1, "w-fast", Map.of()));
        List<JobRecord> records = new ArrayList<>(crafted());
        records.add(new JobRecord("id3", "job-3", 2, other, Map.of(), Map.of()));

        RunReport report = RunReport.of("with-migration", records, PCS, List.of());

        assertThat(report.mostJobsAtOnceByPc()).containsEntry("pc1", 2).containsEntry("pc2", 1)
                .containsEntry("pc4", 1);
    }

    @Test
    void cpuIsUnknownWhenACheckpointReadingIsMissing() {
        List<JobRecord> records = new ArrayList<>(crafted());
        JobRecord first = records.get(0);
        records.set(0, new JobRecord(first.jobId(), first.name(), first.units(), first.events(), Map.of(), Map.of()));

        RunReport report = RunReport.of("with-migration", records, PCS, List.of());

        assertThat(report.cpuSeconds()).isNull();
        assertThat(report.migrations().get(0).tick()).isNull();
    }

    @Test
    void aJobThatNeverFinishedIsReportedAsSuch() {
        List<JobEvent> stuck = List.of(event(1, JobEventType.SUBMITTED, 0, 0, null, Map.of()),
                event(2, JobEventType.PLACED, 1, 1, "w-slow", Map.of()),
                event(3, JobEventType.STARTED, 2, 1, "w-slow", Map.of()),
                event(4, JobEventType.RETRIED, 9, 1, "w-slow", Map.of("reason", "exited with code 1")),
                event(5, JobEventType.FAILED, 9, 1, null, Map.of()));

        RunReport report = RunReport.of("r", List.of(new JobRecord("id", "job-9", 5, stuck, Map.of(), Map.of())),
                PCS, List.of());

        assertThat(report.allSucceeded()).isFalse();
        assertThat(report.jobs().get(0).state()).isEqualTo("FAILED");
        assertThat(report.jobs().get(0).segments()).containsExactly(new RunReport.Segment("pc4", 1, 2, 9, null));
    }

    @Test
    void ownerSessionsLandOnTheRunsTimeAxis() {
        RunReport report = RunReport.of("r", crafted(), PCS,
                List.of(new RunReport.OwnerInterval("pc1", T0.plusSeconds(0), T0.plusSeconds(25))));

        assertThat(report.ownerSessions()).containsExactly(new RunReport.OwnerSession("pc1", 0, 25));
    }

    @Test
    void theJsonLineCarriesTheHeadlineNumbersAndEveryMigration() throws Exception {
        RunReport report = RunReport.of("with-migration", crafted(), PCS, List.of());

        String line = report.jsonLine(Map.of("pc1", 80, "pc2", 40, "pc4", 20),
                DemoPrediction.of(ExperimentPlan.defaults()));

        assertThat(line).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("demo").asText()).isEqualTo("upc-experiment");
        assertThat(json.get("run").asText()).isEqualTo("with-migration");
        assertThat(json.get("makespanSeconds").asDouble()).isEqualTo(40.0);
        assertThat(json.get("migrations").asInt()).isEqualTo(1);
        assertThat(json.get("maxDowntimeMillis").asLong()).isEqualTo(1200);
        assertThat(json.get("jobs").get(0).get("pcs").toString()).isEqualTo("[\"pc4\",\"pc1\"]");
        assertThat(json.get("migrationDetails").get(0).get("tick").asLong()).isEqualTo(6);
        // job-1 ran 1 → 30 s on pc4 and 31.2 → 40 s on pc1, job-2 1 → 20 s on pc2: 29 + 8.8 + 19
        assertThat(json.get("totalCpuTimeSeconds").asDouble()).isEqualTo(56.8);
        assertThat(json.get("meanTurnaroundSeconds").asDouble()).isEqualTo(30.1);
        // pc4: 5.9 CPU-s in 29 s = 20.3 % of a core, of its 20 % quota
        assertThat(json.get("deliveredShareByPc").get("pc4").asDouble()).isEqualTo(1.017);
        assertThat(json.get("simulatorRatio").asDouble()).isBetween(0.0, 1.0);
        assertThat(json.get("simulator").get("withMigration").get("migrations").asInt()).isPositive();
    }

    @Test
    void theSimulatorPredictsThatMigrationPaysInTheDemosScenario() {
        DemoPrediction prediction = DemoPrediction.of(ExperimentPlan.defaults());

        assertThat(prediction.runTimeRatio()).isLessThanOrEqualTo(0.8);
        assertThat(prediction.makespanRatio()).isLessThanOrEqualTo(0.8);
        assertThat(prediction.with().migrations()).isPositive();
        assertThat(prediction.without().migrations()).isZero();
    }

    @Test
    void theCalibratedPredictionTakesEachJobsMeasuredCpuTimeAsItsWork() {
        ExperimentPlan plan = new ExperimentPlan(ExperimentPlan.defaults().pcs(), List.of(14, 8), Duration.ZERO, 0.1);
        RunReport measured = RunReport.of("without-migration", crafted(), PCS, List.of());

        DemoPrediction calibrated = DemoPrediction.calibrated(plan, measured);

        // job-1 used 5.9 + 7.5 CPU-s and job-2 7.9 (not 14 and 8 units); both finish earliest on pc1, one after the other
        assertThat(calibrated.calibrated()).isTrue();
        assertThat(calibrated.without().runSeconds()).isCloseTo((13.4 + 7.9) / 0.8, within(0.01));
        assertThat(DemoPrediction.of(plan).without().runSeconds()).isCloseTo((14 + 8) / 0.8, within(0.01));
    }

    @Test
    void theTablePutsBothRunsSideBySide() {
        List<JobRecord> records = crafted();
        RunReport with = RunReport.of("with-migration", records, PCS, List.of());
        RunReport without = RunReport.of("without-migration", List.of(records.get(1)), PCS, List.of());

        String table = ComparisonTable.render(without, with, Map.of("pc1", 80), null);

        assertThat(table).contains("without-migration").contains("with-migration")
                .contains("20.0 s").contains("40.0 s").contains("(×2.00)")
                .contains("1.20 s / 1.20 s").contains("job-2").contains("quota  80%").contains("1 job");
    }

    @Test
    void theHtmlIsSelfContainedWithOneBarPerSegmentAndAnArrowPerMigration() {
        RunReport with = RunReport.of("with-migration", crafted(), PCS,
                List.of(new RunReport.OwnerInterval("pc1", T0, T0.plusSeconds(25))));
        Map<String, String> pcs = new LinkedHashMap<>();
        pcs.put("pc1", "pc1 · 80% of a core");
        pcs.put("pc2", "pc2 · 40% of a core");
        pcs.put("pc4", "pc4 · 20% of a core");

        String html = HtmlTimeline.render(List.of(with), pcs, List.of("speeds <simulated>"), "table & more");

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg")
                .doesNotContain("<script", "<link", "src=", "url(http");
        assertThat(html).contains("speeds &lt;simulated&gt;").contains("table &amp; more");
        assertThat(count(html, "<g class=\"bar\">")).isEqualTo(3);
        assertThat(count(html, "marker-end=\"url(#arrow)\"")).isEqualTo(1);
        assertThat(html).contains("owner using pc1");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static JobEvent event(long seq, JobEventType type, double seconds, long epoch, String worker,
                                  Map<String, Object> details) {
        return new JobEvent(seq, type, T0.plusMillis((long) (seconds * 1000)), epoch, worker, details);
    }
}
