package dev.upc.e2e.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.libpod.LogLine;
import dev.upc.e2e.job.CounterOutput;
import dev.upc.protocol.MigrationPhases;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContinuationCheckTest {

    private static RunReport.Migration moved(Long tick) {
        return new RunReport.Migration("job-9", "pc4", "pc1", 30, 33, 3000,
                MigrationPhases.of(3000, 500, 700, 0, 800, 900), 1 << 25, tick);
    }

    private static CounterOutput log(int starts, long... ticks) {
        List<LogLine> lines = new ArrayList<>();
        for (int i = 0; i < starts; i++) {
            lines.add(new LogLine(LogLine.Stream.STDOUT, "upc-counter start mem=32MiB sum=00000000000000ab"));
        }
        for (long tick : ticks) {
            lines.add(new LogLine(LogLine.Stream.STDOUT, "tick " + tick + " state=0000000000000001 mem ok"));
        }
        return CounterOutput.of(lines);
    }

    @Test
    void aJobThatWentOnFromItsCheckpointTickPasses() {
        ExperimentRun.Check check = ExperimentRun.continuation(moved(2L), log(1, 1, 2, 3), 3);

        assertThat(check.ok()).isTrue();
        assertThat(check.text()).contains("continued from tick 2 on pc4 with tick 3 on pc1");
    }

    @Test
    void aJobMovedBeforeItsFirstTickPasses() {
        ExperimentRun.Check check = ExperimentRun.continuation(moved(0L), log(1, 1, 2, 3), 3);

        assertThat(check.ok()).isTrue();
        assertThat(check.text()).contains("before its first tick").contains("with tick 1 on pc1");
    }

    @Test
    void aRestartedJobFails() {
        ExperimentRun.Check check = ExperimentRun.continuation(moved(2L), log(2, 1, 2, 1, 2, 3), 3);

        assertThat(check.ok()).isFalse();
        assertThat(check.text()).contains("2 start(s)");
    }

    @Test
    void aGapOrAMissingEndFails() {
        assertThat(ExperimentRun.continuation(moved(1L), log(1, 1, 3), 3).ok()).isFalse();
        assertThat(ExperimentRun.continuation(moved(1L), log(1, 1, 2), 3).ok()).isFalse();
    }

    @Test
    void aCheckpointTickTheLogDoesNotHaveFails() {
        assertThat(ExperimentRun.continuation(moved(3L), log(1, 1, 2, 3), 3).ok()).isFalse();
    }

    @Test
    void anUnseenTickStillNeedsAWholeLog() {
        ExperimentRun.Check check = ExperimentRun.continuation(moved(null), log(1, 1, 2, 3), 3);

        assertThat(check.ok()).isTrue();
        assertThat(check.text()).contains("not caught");
    }
}
