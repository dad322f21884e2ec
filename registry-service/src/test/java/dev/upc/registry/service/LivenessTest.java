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

    /** After an outage that ended at g, a PC seen before g is as old as the time since g; one seen after, as ever. */
    @Test
    void afterAnOutageEveryPcHasItsLostAfterTimeAgain() {
        Instant seen = Instant.parse("2026-01-01T00:00:00Z");
        Instant outageEnd = seen.plusSeconds(120); // the registry was down for two minutes
        assertThat(liveness.statusAt(seen, outageEnd.plusSeconds(29), outageEnd)).isEqualTo(WorkerStatus.ONLINE);
        assertThat(liveness.statusAt(seen, outageEnd.plusSeconds(30), outageEnd)).isEqualTo(WorkerStatus.SUSPECT);
        assertThat(liveness.statusAt(seen, outageEnd.plusSeconds(90), outageEnd)).isEqualTo(WorkerStatus.LOST);
        assertThat(liveness.statusAt(seen, outageEnd, null)).as("without the grace").isEqualTo(WorkerStatus.LOST);

        Instant now = outageEnd.plusSeconds(10);
        assertThat(liveness.onlineCutoff(now, outageEnd)).as("all online").isEqualTo(Instant.EPOCH);
        assertThat(liveness.lostCutoff(now, outageEnd)).as("none lost").isEqualTo(Instant.EPOCH);
        Instant later = outageEnd.plusSeconds(40);
        assertThat(liveness.onlineCutoff(later, outageEnd)).isEqualTo(liveness.onlineCutoff(later));
        assertThat(liveness.lostCutoff(later, outageEnd)).isEqualTo(Instant.EPOCH);
        Instant muchLater = outageEnd.plusSeconds(100);
        assertThat(liveness.lostCutoff(muchLater, outageEnd)).isEqualTo(liveness.lostCutoff(muchLater));
    }
}
