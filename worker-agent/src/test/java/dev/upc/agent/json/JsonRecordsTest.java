package dev.upc.agent.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.upc.agent.libpod.PodmanHost;
import dev.upc.agent.state.CachedBenchmark;
import dev.upc.agent.state.CachedCriu;
import dev.upc.agent.state.CachedPodman;
import dev.upc.agent.state.ManagedContainer;
import dev.upc.agent.state.StateSnapshot;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentCommands;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventReply;
import dev.upc.protocol.AgentEventType;
import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.BlobToken;
import dev.upc.protocol.BlobTokenRequest;
import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.ErrorResponse;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.HeartbeatReply;
import dev.upc.protocol.JobInput;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerRegistered;
import dev.upc.protocol.WorkerRegistration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The agent's JSON against Jackson configured as the services configure it (java.time as ISO strings, unknown
 * members ignored): every record the agent sends or keeps goes both ways between the two and comes back equal.
 */
class JsonRecordsTest {

    private static final ObjectMapper JACKSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Instant AT = Instant.parse("2026-11-27T23:34:53.256069139Z");

    static Stream<Record> records() {
        JobSubmission job = new JobSubmission("counter", "localhost/upc-counter:1", List.of("sh", "-c", "echo \"hi\"\n"),
                Map.of("A", "1", "UNICODE", "grüße ✓ \u0001"), 1, 256L, 12.5, 30L, true, 2, "/out",
                List.of(new JobInput("/job/in.csv", "0".repeat(64), 12L, 0644, "alice-" + "0".repeat(64))));
        AgentCommand run = new AgentCommand("c-1", AgentCommandType.RUN, "job-1", 3, "upc-job-1-3", job, "job-1-3-1",
                "b".repeat(64), "tok.en.x", AT, false, AT.minusSeconds(5));
        AgentEvent event = new AgentEvent("c-1", "job-1", 3L, AgentEventType.CHECKPOINTED, null, 1.5e-7, "job-1-3-1",
                1L << 40, "a".repeat(64), 120L, 3400L, 0L, 15L, null, "line 1\nline 2\ttab", 12_345L);
        PodmanHost host = new PodmanHost("4.3.1", "4.3.1", "amd64", 2, 25276510208L, "6.1", "v2", "crun", "crun 1.8",
                "pc-1", "cgroupfs");
        return Stream.of(
                new WorkerRegistration("m-1", "pc-1", "0.1.0", 8, 16384L, 4, "Xeon", List.of("sse4_2", "avx2"), 0.95,
                        "4.3.1", "4.1.1", "runc", 2, "amd64", Map.of("room", "lab-3"), 8192L),
                new WorkerRegistered("w-1", "token", AT, 10, DesiredState.DRAIN, "upcw_x"),
                new Heartbeat(OwnerState.ACTIVE, true, 0.5, 1024L, 0.25,
                        List.of(new ContainerReport("job-1", 3L, "running", 12.5, 40L))),
                new HeartbeatReply(DesiredState.ACTIVE, 10),
                new AgentCommands(List.of(run, new AgentCommand("c-2", AgentCommandType.KILL, "job-2", 1, null, null,
                        null, null, null, null, false, AT))),
                event,
                new AgentEventReply(AgentEventReply.Outcome.APPLIED, List.of(run)),
                new BlobTokenRequest(BlobKind.CHECKPOINTS, "job-1-3-1", "write"),
                new BlobToken(BlobKind.OUTPUTS, "job-1-3", "read", "t", AT),
                new BlobInfo(BlobKind.IMAGES, "img", 0, "b".repeat(64), AT),
                new ErrorResponse(409, "conflict", "already there",
                        List.of(new ErrorResponse.FieldError("id", "taken"))),
                new StateSnapshot(1, "w-1", new CachedBenchmark(0.954249038211476, "Xeon", AT),
                        new CachedPodman("/run/podman/podman.sock", host),
                        Map.of("upc-job-1-3", new ManagedContainer("upc-job-1-3", "job-1", 3, "c-1", "/out", 0.8, 512,
                                null)),
                        List.of("c-0", "c-1"), List.of(event), 60, "upcw_secret",
                        new CachedCriu("/usr/local/sbin/criu", 4_000_000, 1_700_000_000_000L, "b-1", "4.1.1"),
                        List.of(new StateSnapshot.SetAside(event, AT, "the scheduler answered 500 eight times"))),
                StateSnapshot.empty());
    }

    @ParameterizedTest
    @MethodSource("records")
    void whatTheAgentWritesJacksonReadsBackEqual(Record record) throws Exception {
        assertThat(JACKSON.readValue(JsonRecords.write(record), record.getClass())).isEqualTo(record);
        assertThat(JACKSON.readValue(JsonRecords.writeIndented(record), record.getClass())).isEqualTo(record);
    }

    @ParameterizedTest
    @MethodSource("records")
    void whatJacksonWritesTheAgentReadsBackEqual(Record record) throws Exception {
        assertThat(JsonRecords.read(JACKSON.writeValueAsBytes(record), record.getClass())).isEqualTo(record);
        assertThat(JsonRecords.read(JACKSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record),
                record.getClass())).isEqualTo(record);
    }

    @Test
    void unknownMembersAreIgnoredAndMissingOnesAreNullOrZero() {
        HeartbeatReply reply = JsonRecords.read(bytes("{\"future\":{\"a\":[1,2]},\"desiredState\":\"ACTIVE\"}"),
                HeartbeatReply.class);
        assertThat(reply).isEqualTo(new HeartbeatReply(DesiredState.ACTIVE, 0));
    }

    @Test
    void anEnumIsReadByItsJsonValueOrItsName() {
        assertThat(JsonRecords.read(bytes("{\"kind\":\"checkpoints\",\"id\":\"x\",\"operation\":\"read\"}"),
                BlobTokenRequest.class).kind()).isEqualTo(BlobKind.CHECKPOINTS);
        assertThat(JsonRecords.read(bytes("{\"kind\":\"IMAGES\"}"), BlobTokenRequest.class).kind())
                .isEqualTo(BlobKind.IMAGES);
        assertThat(new String(JsonRecords.write(new BlobTokenRequest(BlobKind.OUTPUTS, "o", "read")),
                StandardCharsets.UTF_8)).contains("\"kind\":\"outputs\"");
    }

    @Test
    void wrongShapesNameTheirPlace() {
        assertThatThrownBy(() -> JsonRecords.read(bytes("{\"containers\":[{\"jobId\":\"j\",\"epoch\":\"three\"}]}"),
                Heartbeat.class)).isInstanceOf(JsonException.class).hasMessageContaining("$.containers[0].epoch")
                .hasMessageContaining("a number expected");
        assertThatThrownBy(() -> JsonRecords.read(bytes("{\"desiredState\":\"SLEEPING\"}"), HeartbeatReply.class))
                .isInstanceOf(JsonException.class).hasMessageContaining("SLEEPING");
        assertThatThrownBy(() -> JsonRecords.read(bytes("[]"), HeartbeatReply.class))
                .isInstanceOf(JsonException.class).hasMessageContaining("an object expected");
        assertThatThrownBy(() -> JsonRecords.read(bytes("{\"tokenExpiresAt\":\"yesterday\"}"), WorkerRegistered.class))
                .isInstanceOf(JsonException.class).hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> JsonRecords.read(bytes("{\"cores\":9999999999}"), WorkerRegistration.class))
                .isInstanceOf(JsonException.class).hasMessageContaining("does not fit an int");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-27T23:34:53Z", "2026-11-27T23:34:53.2Z", "2026-11-27T23:34:53.256069139Z",
            "1970-01-01T00:00:00Z", "2024-02-29T12:00:00.000Z", "2026-11-27T23:34:53.256+01:00", "2026-02-30T00:00:00Z"})
    void instantsReadAsInstantParseReadsThem(String text) {
        java.time.Instant expected;
        try {
            expected = java.time.Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            assertThatThrownBy(() -> JsonRecords.fromPlain(text, java.time.Instant.class, "$"))
                    .isInstanceOf(JsonException.class).hasMessageContaining("ISO-8601");
            return;
        }
        assertThat(JsonRecords.fromPlain(text, java.time.Instant.class, "$")).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\":}", "{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\":1} x", "\"\\x\"",
            "\"unterminated", "tru", "-", "1.", "1e", "{\"a\" 1}", "\"\\u12\"", "\"tab\there\"", "01x", "[1 2]"})
    void malformedTextIsAnErrorWithItsOffset(String text) {
        assertThatThrownBy(() -> JsonText.parse(text)).isInstanceOf(JsonException.class).hasMessageContaining("offset");
    }

    @Test
    void nestingIsCapped() {
        String deep = "[".repeat(JsonText.MAX_DEPTH + 1) + "]".repeat(JsonText.MAX_DEPTH + 1);
        assertThatThrownBy(() -> JsonText.parse(deep)).isInstanceOf(JsonException.class).hasMessageContaining("nested");
        String fine = "[".repeat(JsonText.MAX_DEPTH) + "]".repeat(JsonText.MAX_DEPTH);
        assertThat(JsonText.parse(fine)).isInstanceOf(List.class);
    }

    @Test
    void plainValuesParseAsMapsListsStringsNumbersAndBooleans() {
        Object value = JsonText.parse(" {\"s\":\"a\\\"b\\\\c\\/d\\u00e9\\ud83d\\ude00\",\"n\":[-12,3.5,1e3,"
                + "123456789012345678901234567890],\"t\":true,\"f\":false,\"z\":null} ");
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        assertThat(map).containsEntry("s", "a\"b\\c/d\u00e9\ud83d\ude00").containsEntry("t", true)
                .containsEntry("f", false).containsEntry("z", null).containsKeys("n");
        assertThat(map.get("n")).isEqualTo(List.of(-12L, 3.5, 1000.0, 1.2345678901234568E29));
        assertThat(JsonText.write(value, false)).isEqualTo("{\"s\":\"a\\\"b\\\\c/d\u00e9\ud83d\ude00\",\"n\":[-12,3.5,"
                + "1000.0,1.2345678901234568E29],\"t\":true,\"f\":false,\"z\":null}");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
