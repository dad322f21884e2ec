package dev.upc.registry.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.protocol.WorkerStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LivenessTest {

    private final Liveness liveness = new Liveness(Duration.ofSeconds(30), Duration.ofSeconds(90));
    private final Instant seen = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void statusChangesExactlyAtTheThresholds() {
        assertThat(liveness.statusAt(seen, seen)).isEqualTo(WorkerStatus.ONLINE);
        assertThat(liveness.statusAt(seen, seen.plusMillis(29_999))).isEqualTo(WorkerStatus.ONLINE);
        assertThat(liveness.statusAt(seen, seen.plusSeconds(30))).isEqualTo(WorkerStatus.SUSPECT);
        assertThat(liveness.statusAt(seen, seen.plusMillis(89_999))).isEqualTo(WorkerStatus.SUSPECT);
        assertThat(liveness.statusAt(seen, seen.plusSeconds(90))).isEqualTo(WorkerStatus.LOST);
    }

    @Test
    void aHeartbeatFromSlightlyAheadOfTheReaderIsOnline() {
        assertThat(liveness.statusAt(seen.plusSeconds(2), seen)).isEqualTo(WorkerStatus.ONLINE);
    }

    @Test
    void theCutoffsAgreeWithTheStatus() {
        Instant now = seen.plusSeconds(1000);
        assertThat(liveness.statusAt(liveness.onlineCutoff(now).plusNanos(1), now)).isEqualTo(WorkerStatus.ONLINE);
        assertThat(liveness.statusAt(liveness.onlineCutoff(now), now)).isEqualTo(WorkerStatus.SUSPECT);
        assertThat(liveness.statusAt(liveness.lostCutoff(now).plusNanos(1), now)).isEqualTo(WorkerStatus.SUSPECT);
        assertThat(liveness.statusAt(liveness.lostCutoff(now), now)).isEqualTo(WorkerStatus.LOST);
    }

    @Test
    void thresholdsMustBeOrdered() {
        assertThatThrownBy(() -> new Liveness(Duration.ofSeconds(30), Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Liveness(Duration.ZERO, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * After an outage from f to g, a PC alive at f and seen before g is as old as the time since g; one seen after g,
     * as ever; one LOST already at f stays LOST.
     */
    @Test
    void afterAnOutageEveryPcAliveWhenItBeganHasItsLostAfterTimeAgain() {
        Instant seen = Instant.parse("2026-01-01T00:00:00Z");
        Liveness.Outage outage = new Liveness.Outage(seen.plusSeconds(5), seen.plusSeconds(120)); // down 2 minutes
        Instant end = outage.to();
        assertThat(liveness.statusAt(seen, end.plusSeconds(29), outage)).isEqualTo(WorkerStatus.ONLINE);
        assertThat(liveness.statusAt(seen, end.plusSeconds(30), outage)).isEqualTo(WorkerStatus.SUSPECT);
        assertThat(liveness.statusAt(seen, end.plusSeconds(90), outage)).isEqualTo(WorkerStatus.LOST);
        assertThat(liveness.statusAt(seen, end, null)).as("without the grace").isEqualTo(WorkerStatus.LOST);
        Instant longGone = seen.minusSeconds(3600);
        assertThat(liveness.statusAt(longGone, end.plusSeconds(1), outage)).as("lost before").isEqualTo(
                WorkerStatus.LOST);

        Instant now = end.plusSeconds(10);
        Instant alreadyLost = outage.from().minusSeconds(90);
        assertThat(liveness.onlineCutoff(now, outage)).as("all alive at its start online").isEqualTo(alreadyLost);
        assertThat(liveness.lostCutoff(now, outage)).as("only those lost before").isEqualTo(alreadyLost);
        Instant later = end.plusSeconds(40);
        assertThat(liveness.onlineCutoff(later, outage)).isEqualTo(liveness.onlineCutoff(later));
        assertThat(liveness.lostCutoff(later, outage)).isEqualTo(alreadyLost);
        Instant muchLater = end.plusSeconds(100);
        assertThat(liveness.lostCutoff(muchLater, outage)).isEqualTo(liveness.lostCutoff(muchLater));
    }
}
