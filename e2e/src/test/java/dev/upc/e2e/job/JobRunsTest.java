package dev.upc.e2e.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobRunsTest {

    private static JobRuns.Span span(long epoch, long firstSecond, long lastSecond) {
        return new JobRuns.Span(epoch, Instant.ofEpochSecond(firstSecond), Instant.ofEpochSecond(lastSecond), 2);
    }

    @Test
    void placementsOneAfterAnotherDoNotOverlap() {
        assertThat(new JobRuns(List.of(span(1, 0, 10), span(2, 10, 20), span(4, 25, 30))).overlaps()).isEmpty();
    }

    @Test
    void aCopyThatPrintedWhileTheNextOneDidIsAnOverlapEvenForASecond() {
        List<String> overlaps = new JobRuns(List.of(span(1, 0, 21), span(2, 20, 40), span(3, 50, 60))).overlaps();
        assertThat(overlaps).hasSize(1);
        assertThat(overlaps.get(0)).startsWith("epoch 1 ").contains("epoch 2 ");
    }

    @Test
    void aCopyHeldAndLaterLetRunAgainOverlapsTheCopyThatRanMeanwhile() {
        assertThat(new JobRuns(List.of(span(1, 0, 100), span(2, 30, 60))).overlaps()).hasSize(1);
    }

    @Test
    void aLineIsPrintedWhenItSaysToTheMillisecondElseWhenItsPcStampedIt() {
        Instant stamped = Instant.parse("2026-12-07T12:00:01Z");
        assertThat(JobRuns.printedAt(dev.upc.protocol.JobLogEntry.line(1, 5, stamped, "stdout",
                "tick 4 state=00ff mem ok at=1796644800123", false))).isEqualTo(Instant.ofEpochMilli(1796644800123L));
        assertThat(JobRuns.printedAt(dev.upc.protocol.JobLogEntry.line(1, 1, stamped, "stdout",
                "upc-counter start mem=0MiB sum=0", false))).isEqualTo(stamped);
    }
}
