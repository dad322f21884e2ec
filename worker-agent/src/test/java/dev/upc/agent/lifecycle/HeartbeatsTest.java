package dev.upc.agent.lifecycle;

import static dev.upc.agent.lifecycle.ScriptedControlPlane.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.retry.Backoff;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.OwnerState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeartbeatsTest {

    @TempDir
    Path dir;

    private final ScriptedControlPlane control = new ScriptedControlPlane();
    private final Troubles troubles = new Troubles();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private Heartbeats heartbeats;

    @AfterEach
    void stop() {
        if (heartbeats != null) {
            heartbeats.close();
        }
        timer.shutdownNow();
    }

    private Heartbeats start() {
        Enrolment enrolment = Fixtures.enrolled(control, Fixtures.state(dir), troubles);
        heartbeats = new Heartbeats(control, enrolment,
                desired -> new Heartbeat(OwnerState.IDLE, desired == DesiredState.DRAIN, 1.0, 1024L, 0.1, List.of()),
                timer, troubles, new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)), Fixtures.CLOCK);
        enrolment.onRegistered(heartbeats::registered);
        heartbeats.now();
        return heartbeats;
    }

    @Test
    void aBeatThatGoesThroughClearsTroubleAndTheRegistryCanAskForADrain() {
        troubles.report("an earlier outage");
        control.desired = DesiredState.DRAIN;
        start();

        assertThat(Fixtures.eventually(() -> heartbeats.desired() == DesiredState.DRAIN)).isTrue();
        assertThat(heartbeats.lastAt()).isEqualTo(Fixtures.NOW);
        assertThat(troubles.last()).isNull();
        // the next beat tells the registry the PC drains (the reply asked for a 1 s interval)
        assertThat(Fixtures.eventually(() -> control.calls("heartbeat").size() >= 2)).isTrue();
        assertThat(((Heartbeat) control.calls("heartbeat").get(1).body()).drainAcknowledged()).isTrue();
    }

    @Test
    void aWorkerTheRegistryForgotRegistersAgainAndBeatsAtOnce() {
        control.then("heartbeat", failure(404, "worker_not_found"));
        start();

        assertThat(Fixtures.eventually(() -> control.calls("heartbeat").size() >= 2)).isTrue();
        assertThat(control.calls("register")).hasSize(2);
        assertThat(control.calls("heartbeat").get(1).token()).isEqualTo("token-2");
    }

    @Test
    void aFailedBeatIsTriedAgainSoonerThanTheInterval() {
        control.heartbeatIntervalSeconds = 60; // the 5 s the test waits at most are far shorter
        control.then("heartbeat", failure(0, null));
        start();

        assertThat(Fixtures.eventually(() -> heartbeats.lastAt() != null)).isTrue();
        assertThat(control.calls("heartbeat")).hasSize(2);
        assertThat(control.calls("register")).hasSize(1);
    }
}
