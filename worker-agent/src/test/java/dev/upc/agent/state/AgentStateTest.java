package dev.upc.agent.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentStateTest {

    @TempDir
    Path dir;

    @Test
    void anOpenStateIsLockedAgainstOtherProcessesUntilClosed() throws Exception {
        AgentState state = AgentState.open(dir);
        assertThat(probeLock()).isEqualTo("held");

        state.close();

        assertThat(probeLock()).isEqualTo("free");
    }

    /** Asks a second JVM whether it could take the state's lock. */
    private String probeLock() throws Exception {
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        Process probe = new ProcessBuilder(javaCommand, "-cp", System.getProperty("java.class.path"),
                LockProbe.class.getName(), dir.resolve("agent.lock").toString()).redirectErrorStream(true).start();
        String answer = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(probe.waitFor()).as(answer).isZero();
        return answer;
    }

    @Test
    void everythingSurvivesARestart() throws IOException {
        AgentState state = AgentState.open(dir);
        state.workerId("w-1");
        state.benchmark(new CachedBenchmark(1.25, "Xeon", Instant.parse("2026-11-27T10:00:00Z")));
        state.remember(new ManagedContainer("upc-job-7-3", "job-7", 3, "c-1", "/out", 0.5, 256, null));
        state.done("c-1", List.of(event("c-1", AgentEventType.STARTED)));
        state.queue(event("c-1", AgentEventType.EXITED));

        AgentState again = AgentState.open(dir);

        assertThat(again.workerId()).contains("w-1");
        assertThat(again.benchmark()).contains(new CachedBenchmark(1.25, "Xeon", Instant.parse("2026-11-27T10:00:00Z")));
        assertThat(again.container("upc-job-7-3")).contains(
                new ManagedContainer("upc-job-7-3", "job-7", 3, "c-1", "/out", 0.5, 256, null));
        assertThat(again.handled("c-1")).isTrue();
        assertThat(again.handled("c-2")).isFalse();
        assertThat(again.pendingEvents()).isEqualTo(2);
        assertThat(again.nextEvent()).contains(event("c-1", AgentEventType.STARTED));
        // no temp file left behind; the lock that keeps a second agent off this state stays
        assertThat(Files.list(dir)).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("state.json", "agent.lock");
    }

    @Test
    void eventsLeaveTheOutboxInOrderOnlyWhenDelivered() throws IOException {
        AgentState state = AgentState.open(dir);
        AgentEvent first = event("a", AgentEventType.STARTED);
        AgentEvent second = event("b", AgentEventType.FAILED);
        state.done("a", List.of(first));
        state.done("b", List.of(second));

        state.delivered(second); // not the head: ignored
        assertThat(state.nextEvent()).contains(first);
        state.delivered(first);
        assertThat(AgentState.open(dir).nextEvent()).contains(second);
    }

    @Test
    void newEventsWakeTheListener() throws IOException {
        AgentState state = AgentState.open(dir);
        AtomicInteger wakes = new AtomicInteger();
        state.onNewEvents(wakes::incrementAndGet);

        state.done("a", List.of(event("a", AgentEventType.STARTED)));
        state.queue(event("a", AgentEventType.EXITED));

        assertThat(wakes).hasValue(2);
    }

    @Test
    void theHandledListIsBounded() throws IOException {
        AgentState state = AgentState.open(dir);
        for (int i = 0; i < AgentState.HANDLED_LIMIT + 10; i++) {
            state.done("c-" + i, List.of());
        }
        assertThat(state.handled("c-0")).isFalse();
        assertThat(state.handled("c-" + (AgentState.HANDLED_LIMIT + 9))).isTrue();
    }

    @Test
    void aDamagedFileIsAClearErrorNotAnEmptyState() throws IOException {
        Files.writeString(dir.resolve("state.json"), "{\"formatVersion\":1,\"workerId\":");

        assertThatThrownBy(() -> AgentState.open(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is damaged")
                .hasMessageContaining("move it away");
    }

    private static AgentEvent event(String commandId, AgentEventType type) {
        return new AgentEvent(commandId, "job-7", 3L, type, null, null, null, null, null, null, null, null, null, null,
                type == AgentEventType.FAILED ? "boom" : null, null);
    }
}
