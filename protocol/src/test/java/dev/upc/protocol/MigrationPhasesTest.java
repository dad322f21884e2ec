package dev.upc.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MigrationPhasesTest {

    @Test
    void whatTheAgentsDidNotTimeIsCoordinationAndNeverNegative() {
        assertThat(MigrationPhases.of(3000, 500, 600, 170, 450, 900).coordinationMillis()).isEqualTo(380);
        assertThat(MigrationPhases.of(1000, 500, 600, 0, 0, 0).coordinationMillis())
                .as("agents' clocks ran ahead of the scheduler's").isZero();
    }

    @Test
    void detailsReadBackAsTheyWereWrittenAndOlderEventsReadAsZero() {
        MigrationPhases phases = MigrationPhases.of(3000, 500, 600, 170, 450, 900);

        assertThat(phases.details()).containsEntry("transferMillis", 1050L);
        assertThat(MigrationPhases.fromDetails(phases.details())).isEqualTo(phases);
        assertThat(MigrationPhases.fromDetails(Map.of("checkpointMillis", 485, "transferMillis", 900)))
                .isEqualTo(new MigrationPhases(485, 0, 0, 0, 0, 0));
        assertThat(phases.describe()).isEqualTo("checkpoint 500 ms, upload 600 ms, image 170 ms, download 450 ms, "
                + "restore 900 ms, coordination 380 ms");
    }
}
