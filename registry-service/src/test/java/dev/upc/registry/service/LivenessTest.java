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
}
