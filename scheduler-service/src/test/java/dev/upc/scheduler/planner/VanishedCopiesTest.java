package dev.upc.scheduler.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.job.Job;
import dev.upc.scheduler.job.RecordingEffects;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VanishedCopiesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final RecordingEffects effects = new RecordingEffects();
    private final VanishedCopies copies = new VanishedCopies(Duration.ofSeconds(30));
    private final Job job = effects.running("j1", "wa"); // epoch 1 on wa

    private static WorkerInfo worker(WorkerStatus status, long secondsAfterT0, ContainerReport... containers) {
        Instant seen = T0.plusSeconds(secondsAfterT0);
        return new WorkerInfo("wa", status, DesiredState.ACTIVE, T0, seen, null,
                new Heartbeat(OwnerState.IDLE, false, 1.0, 1000L, 0.0, List.of(containers)));
    }

    private List<String> round(WorkerInfo worker) {
        return copies.vanished(List.of(worker), Map.of(job.id(), job));
    }

    @Test
    void aCopyLeftOutOfEveryHeartbeatForLongEnoughIsGone() {
        assertThat(round(worker(WorkerStatus.ONLINE, 0))).isEmpty();
        assertThat(round(worker(WorkerStatus.ONLINE, 10))).isEmpty();
        assertThat(round(worker(WorkerStatus.ONLINE, 29))).isEmpty();
        assertThat(round(worker(WorkerStatus.ONLINE, 30))).containsExactly("j1");
    }

    @Test
    void aCopyListedAgainStartsTheCountAfresh() {
        round(worker(WorkerStatus.ONLINE, 0));
        round(worker(WorkerStatus.ONLINE, 20, new ContainerReport("j1", 1L, "running", 1.0, 10L)));
        assertThat(round(worker(WorkerStatus.ONLINE, 35))).as("first missed again at 35 s").isEmpty();
        assertThat(round(worker(WorkerStatus.ONLINE, 65))).containsExactly("j1");
    }

    @Test
    void aCopyOfAnotherEpochDoesNotCountAndASilentPcIsTheLostWorkersRule() {
        ContainerReport older = new ContainerReport("j1", 0L, "exited", 1.0, 10L);
        round(worker(WorkerStatus.ONLINE, 0, older));
        assertThat(round(worker(WorkerStatus.ONLINE, 40, older))).containsExactly("j1");

        VanishedCopies fresh = new VanishedCopies(Duration.ofSeconds(30));
        fresh.vanished(List.of(worker(WorkerStatus.SUSPECT, 0)), Map.of(job.id(), job));
        assertThat(fresh.vanished(List.of(worker(WorkerStatus.SUSPECT, 60)), Map.of(job.id(), job))).isEmpty();
    }

    @Test
    void theSameHeartbeatSeenTwiceProvesNothing() {
        round(worker(WorkerStatus.ONLINE, 0));
        assertThat(round(worker(WorkerStatus.ONLINE, 0))).isEmpty();
    }
}
