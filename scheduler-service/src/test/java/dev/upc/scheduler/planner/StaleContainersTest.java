package dev.upc.scheduler.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.JobState;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.job.Job;
import dev.upc.scheduler.job.RecordingEffects;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StaleContainersTest {

    private static final Instant SEEN = Instant.parse("2026-01-01T00:00:00Z");

    private static WorkerInfo worker(String id, WorkerStatus status, ContainerReport... containers) {
        return new WorkerInfo(id, status, DesiredState.ACTIVE, SEEN, SEEN, null,
                new Heartbeat(OwnerState.IDLE, false, 1.0, 1000L, 0.0, List.of(containers)));
    }

    private static ContainerReport container(String jobId, long epoch, String state) {
        return new ContainerReport(jobId, epoch, state, 1.0, 10L);
    }

    private final RecordingEffects effects = new RecordingEffects();

    @Test
    void theCurrentCopyTheKeptSourceAndARestoreInFlightAreLegitimate() {
        Job running = effects.running("j1", "wa");
        assertThat(StaleContainers.legitimate(running, "wa", 1)).isTrue();
        assertThat(StaleContainers.legitimate(running, "wa", 0)).isFalse();
        assertThat(StaleContainers.legitimate(running, "wb", 1)).isFalse();

        Job restoring = effects.restoring("j2", "wa", "wb");
        assertThat(restoring.state()).isEqualTo(JobState.MIGRATING);
        assertThat(StaleContainers.legitimate(restoring, "wb", 2)).isTrue();
        assertThat(StaleContainers.legitimate(restoring, "wa", 1)).isTrue();
        assertThat(StaleContainers.legitimate(restoring, "wa", 2)).isFalse();

        Job cancelled = effects.running("j3", "wa");
        cancelled.cancel(effects);
        assertThat(StaleContainers.legitimate(cancelled, "wa", 1)).isFalse();
        assertThat(StaleContainers.legitimate(effects.submitted("j4"), "wa", 0)).isFalse();
        assertThat(StaleContainers.legitimate(null, "wa", 1)).isFalse();
    }

    @Test
    void suspectsAreTheIllegitimateContainersOfOnlineWorkers() {
        Map<String, Job> active = Map.of("j1", effects.running("j1", "wa")); // epoch 1
        var suspects = StaleContainers.suspects(List.of(
                worker("wa", WorkerStatus.ONLINE, container("j1", 1, "running"), container("j1", 0, "running"),
                        container("gone", 1, "exited")),
                worker("wb", WorkerStatus.LOST, container("j1", 1, "running")),
                worker("wc", WorkerStatus.SUSPECT, container("j1", 1, "running"))), active);
        assertThat(suspects).extracting(s -> s.jobId() + "-" + s.epoch() + "@" + s.workerId())
                .containsExactly("gone-1@wa", "j1-0@wa");
        assertThat(suspects).allMatch(s -> s.reportedAt().equals(SEEN));
    }

    @Test
    void liveContainersAreKilledStoppedOnesCleanedUpKnownOnesAndUnfencedOnly() {
        var live = new StaleContainers.Suspect("wa", "j1", 2, "running", SEEN);
        var paused = new StaleContainers.Suspect("wa", "j1", 1, "Paused", SEEN);
        var stopped = new StaleContainers.Suspect("wa", "j2", 1, "exited", SEEN);
        var fenced = new StaleContainers.Suspect("wa", "j3", 1, "running", SEEN);
        var unknown = new StaleContainers.Suspect("wa", "zz", 1, "running", SEEN);
        var fences = StaleContainers.fences(List.of(live, paused, stopped, fenced, unknown), Map.of(
                live, new StaleContainers.Standing(true, false),
                paused, new StaleContainers.Standing(true, false),
                stopped, new StaleContainers.Standing(true, false),
                fenced, new StaleContainers.Standing(true, true),
                unknown, new StaleContainers.Standing(false, false)));
        assertThat(fences).extracting(StaleContainers.Fence::jobId, StaleContainers.Fence::epoch,
                        StaleContainers.Fence::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("j1", 2L, AgentCommandType.KILL),
                        org.assertj.core.groups.Tuple.tuple("j1", 1L, AgentCommandType.KILL),
                        org.assertj.core.groups.Tuple.tuple("j2", 1L, AgentCommandType.CLEANUP));
    }
}
