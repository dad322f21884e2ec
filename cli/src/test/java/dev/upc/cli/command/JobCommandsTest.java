package dev.upc.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.upc.cli.client.ProtocolJson;
import dev.upc.cli.testing.CliRun;
import dev.upc.cli.testing.FakeApi;
import dev.upc.cli.testing.Samples;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventList;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobInput;
import dev.upc.protocol.JobList;
import dev.upc.protocol.JobLogEntry;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.UploadGrant;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job commands in-process against a scripted scheduler. */
class JobCommandsTest {

    @TempDir
    Path home;

    private final FakeApi api = FakeApi.start();

    @AfterEach
    void stop() {
        api.close();
    }

    private CliRun.Result upc(String... args) {
        return CliRun.against(api, home).run(args);
    }

    @Test
    void listPrintsATableOfTheCallersJobs() {
        api.json("GET", "/api/v1/jobs", 200, new JobList(List.of(Samples.job("j2", JobState.QUEUED),
                Samples.job("j1", JobState.RUNNING, "pc2", 252.4)), null));
        CliRun.Result result = upc("jobs", "list");
        assertThat(result.code()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("""
                ID   NAME    STATE     PC    PROGRESS     CPU   AGE   WAITING
                j2   count   QUEUED    —           0%       —    3m   no online PC has 4 free cores
                j1   count   RUNNING   pc2        42%   4m12s    3m
                """);
        assertThat(result.err()).isEmpty();
        FakeApi.Request request = api.requests().get(0);
        assertThat(request.param("owner")).isNull();
        assertThat(request.param("limit")).isEqualTo("100");
    }

    @Test
    void listJsonIsTheSchedulersJobListAcrossPages() throws IOException {
        api.on("GET", "/api/v1/jobs", exchange -> exchange.json(200, exchange.request().param("cursor") == null
                ? new JobList(List.of(Samples.job("j3", JobState.RUNNING, "pc1", 1.0)), "c1")
                : new JobList(List.of(Samples.job("j2", JobState.SUCCEEDED)), null)));
        CliRun.Result result = upc("jobs", "list", "--all", "--json");
        assertThat(result.code()).isZero();
        JobList parsed = ProtocolJson.MAPPER.readValue(result.out(), JobList.class);
        assertThat(parsed.jobs()).extracting(JobInfo::id).containsExactly("j3", "j2");
        assertThat(parsed.nextCursor()).isNull();
        JsonNode json = ProtocolJson.MAPPER.readTree(result.out());
        assertThat(json.fieldNames()).toIterable().containsExactly("jobs", "nextCursor");
        assertThat(json.get("jobs").get(0).get("submittedAt").asText()).isEqualTo("2026-12-04T11:57:00Z");
        assertThat(api.requests().get(0).param("owner")).isEqualTo("*");
    }

    @Test
    void listSaysWhenThereAreMoreThanTheLimit() {
        api.json("GET", "/api/v1/jobs", 200, new JobList(List.of(Samples.job("j9", JobState.RUNNING, "pc1", 1.0)),
                "more"));
        CliRun.Result result = upc("jobs", "list", "--limit", "1", "--user", "bob");
        assertThat(result.out()).contains("OWNER");
        assertThat(result.err()).contains("the 1 newest are shown");
        assertThat(api.requests().get(0).param("owner")).isEqualTo("bob");
    }

    @Test
    void submitUploadsInputsThenPrintsTheIdAlone() throws IOException {
        Path data = Files.writeString(home.resolve("data.csv"), "x,y\n1,2\n");
        api.on("POST", "/api/v1/inputs/uploads", exchange -> exchange.json(200, new UploadGrant(BlobKind.INPUTS, "b1",
                api.url() + "/api/v1/blobs/inputs/b1", "grant", Samples.NOW, false)));
        api.json("PUT", "/api/v1/blobs/inputs/b1", 201, Map.of());
        api.json("POST", "/api/v1/jobs", 201, Samples.job("j42", JobState.QUEUED));

        CliRun.Result result = upc("jobs", "submit", "--image", "localhost/alice/solver:1", "--cpus", "2",
                "--memory", "2G", "--work", "2h", "--checkpoint-every", "10m", "--env", "MODE=fast", "--input",
                data.toString(), "--input", data + ":/data/in.csv", "--output", "/job/out", "--no-migrate",
                "--max-retries", "1", "--", "/opt/solver", "-v", "--in", "/job/data.csv");

        assertThat(result.code()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("j42\n");
        JobSubmission sent = api.requests("POST", "/api/v1/jobs").get(0).bodyAs(JobSubmission.class);
        assertThat(sent.name()).isEqualTo("solver");
        assertThat(sent.command()).containsExactly("/opt/solver", "-v", "--in", "/job/data.csv");
        assertThat(sent.cpus()).isEqualTo(2);
        assertThat(sent.memoryMiB()).isEqualTo(2048);
        assertThat(sent.workEstimate()).isEqualTo(7200.0);
        assertThat(sent.checkpointIntervalSeconds()).isEqualTo(600);
        assertThat(sent.migratable()).isFalse();
        assertThat(sent.maxRetries()).isEqualTo(1);
        assertThat(sent.outputPath()).isEqualTo("/job/out");
        assertThat(sent.env()).containsEntry("MODE", "fast");
        assertThat(sent.inputs()).extracting(JobInput::path).containsExactly("/job/data.csv", "/data/in.csv");
        assertThat(api.requests()).extracting(FakeApi.Request::method).containsSubsequence("POST", "PUT", "POST",
                "PUT", "POST");
    }

    @Test
    void submitDefaultsToOneCpuAndHalfAGibibyte() {
        api.json("POST", "/api/v1/jobs", 201, Samples.job("j1", JobState.QUEUED));
        CliRun.Result result = upc("jobs", "submit", "--image", "localhost/a/b:1", "sleep", "10");
        assertThat(result.code()).isZero();
        JobSubmission sent = api.requests().get(0).bodyAs(JobSubmission.class);
        assertThat(sent.cpus()).isEqualTo(1);
        assertThat(sent.memoryMiB()).isEqualTo(512);
        assertThat(sent.workEstimate()).isNull();
        assertThat(sent.checkpointIntervalSeconds()).isZero();
        assertThat(sent.migratable()).isTrue();
        assertThat(sent.name()).isEqualTo("sleep");
    }

    @Test
    void submitJsonPrintsTheJobInfo() throws IOException {
        api.json("POST", "/api/v1/jobs", 201, Samples.job("j1", JobState.QUEUED));
        CliRun.Result result = upc("jobs", "submit", "--json", "--image", "localhost/a/b:1", "--", "sleep", "1");
        assertThat(ProtocolJson.MAPPER.readValue(result.out(), JobInfo.class))
                .isEqualTo(Samples.job("j1", JobState.QUEUED));
    }

    @Test
    void submitWaitReportsChangesAndExitsOnlyZeroOnSuccess() {
        List<JobInfo> states = new ArrayList<>(List.of(Samples.job("j5", JobState.QUEUED),
                Samples.job("j5", JobState.RUNNING, "pc2", 1.0), Samples.job("j5", JobState.FAILED)));
        api.json("POST", "/api/v1/jobs", 201, Samples.job("j5", JobState.QUEUED));
        api.on("GET", "/api/v1/jobs/j5", exchange -> exchange.json(200, states.size() > 1 ? states.remove(0)
                : states.get(0)));
        CliRun.Result result = upc("jobs", "submit", "--wait", "--image", "localhost/a/b:1", "--", "false");
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out()).isEqualTo("j5\n");
        assertThat(result.err()).isEqualTo("""
                upc: j5 QUEUED: no online PC has 4 free cores
                upc: j5 RUNNING on pc2
                upc: j5 FAILED (exit code 3): exit code 3
                """);
    }

    @Test
    void waitExitsZeroForASucceededJobAndOneAfterItsTimeout() {
        api.json("GET", "/api/v1/jobs/j1", 200, Samples.job("j1", JobState.SUCCEEDED));
        assertThat(upc("jobs", "wait", "j1").code()).isZero();

        api.json("GET", "/api/v1/jobs/j2", 200, Samples.job("j2", JobState.RUNNING, "pc1", 1.0));
        CliRun.Result timedOut = upc("jobs", "wait", "j2", "--timeout", "1s");
        assertThat(timedOut.code()).isEqualTo(1);
        assertThat(timedOut.err()).endsWith("upc: j2 is still RUNNING after 1s\n");
    }

    @Test
    void showPrintsTheJobAndItsHistoryOrBothAsJson() throws IOException {
        JobInfo job = Samples.job("j3", JobState.RUNNING, "pc2", 100.0);
        JobEvent migrated = new JobEvent(2, JobEventType.MIGRATED, Samples.NOW.minusSeconds(60), 2, "w-pc2",
                Map.of("from", "w-pc1", "to", "w-pc2", "downtimeMillis", 1800));
        api.json("GET", "/api/v1/jobs/j3", 200, job);
        api.json("GET", "/api/v1/jobs/j3/events", 200, new JobEventList("j3", List.of(migrated), null));

        CliRun.Result human = upc("jobs", "show", "j3");
        assertThat(human.code()).isZero();
        assertThat(human.out()).contains("STATE       RUNNING on pc2 (epoch 1)",
                "11:59:00   MIGRATED       2   pc2   w-pc1 → pc2, downtime 1.8 s"); // names where known

        JsonNode json = ProtocolJson.MAPPER.readTree(upc("jobs", "show", "j3", "--json").out());
        assertThat(json.fieldNames()).toIterable().containsExactly("job", "events");
        assertThat(json.get("job").get("id").asText()).isEqualTo("j3");
        assertThat(json.get("events").get(0).get("type").asText()).isEqualTo("MIGRATED");
    }

    @Test
    void logsPrintTheJobsLinesOnStdoutAndMarkersOnStderr() {
        api.on("GET", "/api/v1/jobs/j1/logs", exchange -> {
            try (OutputStream out = exchange.stream(200, "application/x-ndjson")) {
                for (JobLogEntry entry : List.of(
                        new JobLogEntry(JobLogEntry.Type.EPOCH, 1, null, Samples.NOW, null, "started on pc1", "w1",
                                0L, null, null),
                        JobLogEntry.line(1, 1, Samples.NOW, "stdout", "count 1", false),
                        new JobLogEntry(JobLogEntry.Type.EPOCH, 2, null, Samples.NOW, null,
                                "restored on pc2 from a checkpoint; continues after line 1", "w2", 1L, null, null),
                        JobLogEntry.line(2, 2, Samples.NOW, "stdout", "count 2", false))) {
                    out.write((ProtocolJson.MAPPER.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        });
        CliRun.Result result = upc("jobs", "logs", "j1", "--follow");
        assertThat(result.code()).isZero();
        assertThat(result.out()).isEqualTo("count 1\ncount 2\n");
        assertThat(result.err()).isEqualTo("── epoch 1: started on pc1 ──\n"
                + "── epoch 2: restored on pc2 from a checkpoint; continues after line 1 ──\n");
        assertThat(api.requests().get(0).param("follow")).isEqualTo("true");

        CliRun.Result json = upc("jobs", "logs", "j1", "--json");
        assertThat(json.out().lines()).hasSize(4).allSatisfy(line -> assertThat(line).startsWith("{\"type\":"));
    }

    @Test
    void outputIsRefusedOnATerminalAndWrittenWholeToAFile() throws IOException {
        byte[] tar = new byte[4096];
        tar[0] = 'x';
        api.on("GET", "/api/v1/jobs/j1/output", exchange -> exchange.bytes(200, "application/x-tar", tar));

        CliRun.Result terminal = CliRun.against(api, home).onTerminal(true, true).run("jobs", "output", "j1");
        assertThat(terminal.code()).isEqualTo(2);
        assertThat(terminal.err()).contains("give -o FILE or pipe it");
        assertThat(api.requests()).isEmpty();

        CliRun.Result piped = upc("jobs", "output", "j1");
        assertThat(piped.code()).isZero();
        assertThat(piped.outBytes()).isEqualTo(tar);

        Path file = home.resolve("out.tar");
        CliRun.Result toFile = CliRun.against(api, home).onTerminal(true, true).run("jobs", "output", "j1", "-o",
                file.toString());
        assertThat(toFile.code()).isZero();
        assertThat(Files.readAllBytes(file)).isEqualTo(tar);
        try (var files = Files.list(home)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".part"));
        }
    }

    @Test
    void aMissingOutputLeavesNoFile() {
        api.error("GET", "/api/v1/jobs/j1/output", 404, "no_output", "j1 has no output (yet)");
        Path file = home.resolve("out.tar");
        CliRun.Result result = upc("jobs", "output", "j1", "-o", file.toString());
        assertThat(result.code()).isEqualTo(3);
        assertThat(result.err()).isEqualTo("upc: j1 has no output (yet)\n");
        assertThat(file).doesNotExist();
        assertThat(home.resolve(".out.tar.part")).doesNotExist();
    }

    @Test
    void cancelAndMigrateSayWhatHappened() {
        api.json("DELETE", "/api/v1/jobs/j1", 200, Samples.job("j1", JobState.CANCELLED));
        CliRun.Result cancel = upc("jobs", "cancel", "j1");
        assertThat(cancel.code()).isZero();
        assertThat(cancel.err()).isEqualTo("upc: cancelled j1\n");

        api.json("POST", "/api/v1/jobs/j2/migrate", 200, Samples.job("j2", JobState.MIGRATING, "pc1", 1.0));
        CliRun.Result migrate = upc("jobs", "migrate", "j2", "--to", "pc3");
        assertThat(migrate.code()).isZero();
        assertThat(migrate.err()).startsWith("upc: j2 is MIGRATING from pc1 to pc3");
        assertThat(api.requests("POST", "/api/v1/jobs/j2/migrate").get(0).bodyText()).contains("\"pc3\"");
    }

    @Test
    void watchOffATerminalPrintsATableOnlyWhenAJobChanged() {
        List<JobList> pages = new ArrayList<>(List.of(
                new JobList(List.of(Samples.job("j1", JobState.RUNNING, "pc1", 10.0)), null),
                new JobList(List.of(Samples.job("j1", JobState.RUNNING, "pc1", 12.0)), null),
                new JobList(List.of(Samples.job("j1", JobState.SUCCEEDED)), null)));
        api.on("GET", "/api/v1/jobs", exchange -> exchange.json(200, pages.size() > 1 ? pages.remove(0)
                : pages.get(0)));
        CliRun.Result result = upc("jobs", "watch", "--interval", "0s", "--count", "3");
        assertThat(result.code()).isZero();
        assertThat(result.out().lines().filter(line -> line.startsWith("ID "))).hasSize(2);
        assertThat(result.out()).contains("RUNNING", "SUCCEEDED");
    }

    @Test
    void watchOnATerminalRedrawsInPlace() {
        api.json("GET", "/api/v1/jobs", 200, new JobList(List.of(Samples.job("j1", JobState.RUNNING, "pc1", 1.0)),
                null));
        CliRun.Result result = CliRun.against(api, home).onTerminal(true, false)
                .run("jobs", "watch", "--interval", "0s", "--count", "2");
        assertThat(result.out()).startsWith("\033[H\033[2J");
        assertThat(result.out().split("\033\\[H\033\\[2J", -1)).hasSize(3);
    }
}
