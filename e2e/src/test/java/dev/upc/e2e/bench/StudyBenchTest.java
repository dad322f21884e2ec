package dev.upc.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StudyBenchTest {

    private static final Instant T0 = Instant.parse("2026-12-05T09:00:00Z");

    @Test
    void aMovedJobsRunTimeIsFirstStartToEndWithItsDowntimeInside() {
        List<JobEvent> events = List.of(event(1, JobEventType.SUBMITTED, 0, Map.of()),
                event(2, JobEventType.STARTED, 1.5, Map.of()),
                event(3, JobEventType.MIGRATION_STARTED, 10, Map.of()),
                event(4, JobEventType.MIGRATED, 12.2, Map.of("downtimeMillis", 2200)),
                event(5, JobEventType.STARTED, 12.2, Map.of()),
                event(6, JobEventType.SUCCEEDED, 20, Map.of()));

        assertThat(StudyBench.runSeconds(events)).isEqualTo(18.5);
        assertThat(StudyBench.downtimeSeconds(events)).isEqualTo(2.2);
    }

    @Test
    void aHistoryWithoutItsEndIsRefused() {
        assertThatThrownBy(() -> StudyBench.runSeconds(List.of(event(1, JobEventType.STARTED, 1, Map.of()))))
                .hasMessageContaining("lacks its start or end");
    }

    @Test
    void optionsAreCheckedBeforeAnythingStarts() {
        assertThat(StudyBench.Options.parse(List.of("--slow", "10", "--units", "8, 4")).units()).containsExactly(8, 4);
        assertThatThrownBy(() -> StudyBench.Options.parse(List.of("--slow", "90"))).hasMessageContaining("--slow");
        assertThatThrownBy(() -> StudyBench.Options.parse(List.of("--units", "1"))).hasMessageContaining("2 units");
        assertThatThrownBy(() -> StudyBench.Options.parse(List.of("--fast"))).hasMessageContaining("wants a value");
    }

    private static JobEvent event(long seq, JobEventType type, double at, Map<String, Object> details) {
        return new JobEvent(seq, type, T0.plusMillis((long) (at * 1000)), 1, "w", details, null);
    }
}
