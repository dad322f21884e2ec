package dev.upc.agent.lifecycle;

import static dev.upc.agent.lifecycle.ScriptedControlPlane.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.job.Events;
import dev.upc.agent.retry.Backoff;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLoopTest {

    @TempDir
    Path dir;

    private final ScriptedControlPlane control = new ScriptedControlPlane();
    private final Troubles troubles = new Troubles();
    private final Progress progress = new Progress();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        progress.close();
        threads.shutdownNow();
    }

    private CommandLoop loop(AgentState state, CommandLoop.Handler handler) {
        return new CommandLoop(state, control, Fixtures.enrolled(control, state, troubles), handler, threads, progress,
                troubles, Duration.ofMillis(20), Fixtures.CLOCK);
    }

    @Test
    void aCommandDeliveredAgainWhileUnderWayOrAfterItIsDoneRunsOnce() throws Exception {
        AgentState state = Fixtures.state(dir);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        CommandLoop loop = loop(state, c -> {
            runs.incrementAndGet();
            await(release);
            return List.of(Events.started(c, Duration.ZERO));
        });
        AgentCommand run = Fixtures.command("c-1", AgentCommandType.RUN, "job-1", 1);

        assertThat(loop.dispatch(run)).isTrue();
        assertThat(loop.dispatch(run)).isFalse(); // under way
        release.countDown();
        assertThat(Fixtures.eventually(() -> state.handled("c-1") && loop.inFlight() == 0)).isTrue();
        assertThat(loop.dispatch(run)).isFalse(); // done

        assertThat(runs).hasValue(1);
        assertThat(state.nextEvent()).get().extracting(AgentEvent::type).isEqualTo(AgentEventType.STARTED);
    }

    @Test
    void aCommandForAnEpochThePcHasMovedPastIsAnsweredFailedWithoutRunning() {
        AgentState state = Fixtures.state(dir);
        state.remember(new ManagedContainer("upc-job-1-3", "job-1", 3, "c-0", null, 1, 256, null));
        AtomicInteger runs = new AtomicInteger();
        CommandLoop loop = loop(state, c -> {
            runs.incrementAndGet();
            return List.of();
        });

        loop.dispatch(Fixtures.command("c-1", AgentCommandType.RESTORE, "job-1", 2));

        assertThat(runs).hasValue(0);
        assertThat(state.handled("c-1")).isTrue();
        AgentEvent failed = state.nextEvent().orElseThrow();
        assertThat(failed.type()).isEqualTo(AgentEventType.FAILED);
        assertThat(failed.reason()).contains("stale epoch 2");
    }

    @Test
    void aCommandWhoseHandlerThrewIsNotDoneSoItsNextDeliveryRunsIt() {
        AgentState state = Fixtures.state(dir);
        AtomicInteger runs = new AtomicInteger();
        CommandLoop loop = loop(state, c -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("podman went away");
            }
            return List.of(Events.started(c, Duration.ZERO));
        });
        AgentCommand run = Fixtures.command("c-1", AgentCommandType.RUN, "job-1", 1);

        loop.dispatch(run);
        assertThat(Fixtures.eventually(() -> runs.get() == 1 && loop.inFlight() == 0)).isTrue();
        assertThat(state.handled("c-1")).isFalse();

        loop.dispatch(run);
        assertThat(Fixtures.eventually(() -> state.handled("c-1"))).isTrue();
        assertThat(runs).hasValue(2);
    }

    @Test
    void thePollRunsWhatItReceivesAndRegistersAgainWhenItsTokenIsRefused() {
        AgentState state = Fixtures.state(dir);
        AgentCommand run = Fixtures.command("c-1", AgentCommandType.RUN, "job-1", 1);
        control.then("poll", failure(401, "unauthorized"), List.of(run));
        CommandLoop loop = loop(state, c -> List.of(Events.started(c, Duration.ZERO)));

        threads.execute(() -> loop.run(new Backoff(Duration.ofMillis(1), Duration.ofMillis(5))));

        assertThat(Fixtures.eventually(() -> state.handled("c-1"))).isTrue();
        assertThat(control.calls("poll").get(0).token()).isEqualTo("token-1");
        assertThat(control.calls("poll").get(1).token()).isEqualTo("token-2");
        assertThat(loop.lastPollAt()).isEqualTo(Fixtures.NOW);
    }

    @Test
    void anOutageOfTheSchedulerIsReportedAndWaitedOut() {
        AgentState state = Fixtures.state(dir);
        AgentCommand run = Fixtures.command("c-1", AgentCommandType.RUN, "job-1", 1);
        control.then("poll", failure(0, null), failure(502, "bad_gateway"), List.of(run));
        CommandLoop loop = loop(state, c -> List.of(Events.started(c, Duration.ZERO)));

        threads.execute(() -> loop.run(new Backoff(Duration.ofMillis(1), Duration.ofMillis(5))));

        assertThat(Fixtures.eventually(() -> state.handled("c-1"))).isTrue();
        assertThat(troubles.last()).contains("command poll failed");
        assertThat(control.calls("register")).hasSize(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
