package dev.upc.agent.lifecycle;

import static dev.upc.agent.lifecycle.ScriptedControlPlane.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.job.Events;
import dev.upc.agent.retry.Backoff;
import dev.upc.agent.state.AgentState;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventReply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventOutboxTest {

    @TempDir
    Path dir;

    private final ScriptedControlPlane control = new ScriptedControlPlane();
    private final Troubles troubles = new Troubles();
    private final Progress progress = new Progress();
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final List<AgentCommand> followUps = new CopyOnWriteArrayList<>();
    /** When the scheduler last answered a poll: after every failure began, unless a test says otherwise. */
    private volatile java.time.Instant schedulerWorkedAt = Fixtures.CLOCK.instant().plusSeconds(1);

    @AfterEach
    void stop() {
        progress.close();
        thread.shutdownNow();
    }

    private AgentState startOutbox() {
        AgentState state = Fixtures.state(dir);
        state.onNewEvents(progress::signal);
        EventOutbox outbox = new EventOutbox(state, control, Fixtures.enrolled(control, state, troubles),
                followUps::add, progress, troubles, Fixtures.CLOCK, () -> schedulerWorkedAt);
        thread.execute(() -> outbox.run(new Backoff(Duration.ofMillis(1), Duration.ofMillis(5))));
        return state;
    }

    private static AgentEvent started(String commandId) {
        return Events.started(Fixtures.command(commandId, AgentCommandType.RUN, "job-" + commandId, 1), Duration.ZERO);
    }

    @Test
    void eventsGoOldestFirstAndTheCommandsTheSchedulerAnswersWithStartAtOnce() {
        AgentCommand restore = Fixtures.command("c-9", AgentCommandType.RESTORE, "job-2", 2);
        control.then("report", new AgentEventReply(AgentEventReply.Outcome.APPLIED, List.of(restore)));
        AgentState state = startOutbox();

        state.queue(started("c-1"));
        state.queue(started("c-2"));

        assertThat(Fixtures.eventually(() -> state.pendingEvents() == 0)).isTrue();
        assertThat(control.calls("report")).extracting(c -> ((AgentEvent) c.body()).commandId())
                .containsExactly("c-1", "c-2");
        assertThat(followUps).containsExactly(restore);
    }

    @Test
    void anEventIsKeptThroughAnOutageUntilTheSchedulerHasIt() {
        control.then("report", failure(0, null), failure(503, "unavailable"));
        AgentState state = startOutbox();

        state.queue(started("c-1"));

        assertThat(Fixtures.eventually(() -> state.pendingEvents() == 0)).isTrue();
        assertThat(control.calls("report")).hasSize(3);
        assertThat(troubles.last()).contains("reporting STARTED of job job-c-1 failed");
    }

    @Test
    void anEventRefusedForGoodIsSetAsideAndLaterEventsFlow() {
        control.then("report", failure(400, "invalid"));
        AgentState state = startOutbox();

        state.queue(started("c-1"));
        state.queue(started("c-2"));

        assertThat(Fixtures.eventually(() -> state.pendingEvents() == 0)).isTrue();
        assertThat(control.calls("report")).extracting(c -> ((AgentEvent) c.body()).commandId())
                .containsExactly("c-1", "c-2");
        assertThat(state.setAside()).singleElement().satisfies(aside -> {
            assertThat(aside.event().commandId()).isEqualTo("c-1");
            assertThat(aside.reason()).startsWith("refused: ").contains("400");
        });
    }

    /**
     * An event the scheduler keeps failing on while it answers (a 500 each time) is set aside after a bounded number
     * of tries, with its reason, and the later events flow; failures of an unreachable or unready scheduler do not
     * count, however many.
     */
    @Test
    void aPoisonedEventIsSetAsideAfterBoundedTriesButAnOutageIsWaitedOut() {
        Object[] outage = new Object[EventOutbox.MAX_ANSWERED_FAILURES * 2];
        for (int i = 0; i < outage.length; i++) {
            outage[i] = i % 2 == 0 ? failure(0, null) : failure(503, "not_ready");
        }
        Object[] poisoned = new Object[EventOutbox.MAX_ANSWERED_FAILURES];
        java.util.Arrays.fill(poisoned, failure(500, "internal_error"));
        control.then("report", outage).then("report", new AgentEventReply(AgentEventReply.Outcome.APPLIED,
                List.of())).then("report", poisoned);
        AgentState state = startOutbox();

        state.queue(started("c-1"));
        state.queue(started("c-2"));
        state.queue(started("c-3"));

        assertThat(Fixtures.eventually(() -> state.pendingEvents() == 0)).isTrue();
        assertThat(state.setAside()).singleElement().satisfies(aside -> {
            assertThat(aside.event().commandId()).as("c-1 waited out the outage").isEqualTo("c-2");
            assertThat(aside.reason()).contains("failed on it " + EventOutbox.MAX_ANSWERED_FAILURES + " times");
        });
        assertThat(control.calls("report")).extracting(c -> ((AgentEvent) c.body()).commandId()).last()
                .isEqualTo("c-3");
        assertThat(troubles.last()).contains("set aside");
    }

    /** 500s while the scheduler's poll fails too (its database down) are an outage: the event waits, however long. */
    @Test
    void failuresWhileTheSchedulerDoesNotWorkOtherwiseSetNothingAside() {
        schedulerWorkedAt = Fixtures.CLOCK.instant().minusSeconds(60); // its last poll before the failures began
        Object[] down = new Object[EventOutbox.MAX_ANSWERED_FAILURES * 2];
        java.util.Arrays.fill(down, failure(500, "internal_error"));
        control.then("report", down);
        AgentState state = startOutbox();

        state.queue(started("c-1"));

        assertThat(Fixtures.eventually(() -> state.pendingEvents() == 0)).isTrue();
        assertThat(state.setAside()).isEmpty();
        assertThat(control.calls("report")).hasSize(down.length + 1);
    }

    @Test
    void aRefusedTokenRegistersAgainAndTheEventGoesWithTheNewOne() {
        control.then("report", failure(401, "unauthorized"));
        AgentState state = startOutbox();

        state.queue(started("c-1"));

        assertThat(Fixtures.eventually(() -> state.pendingEvents() == 0)).isTrue();
        assertThat(control.calls("report")).extracting(ScriptedControlPlane.Call::token)
                .containsExactly("token-1", "token-2");
    }
}
