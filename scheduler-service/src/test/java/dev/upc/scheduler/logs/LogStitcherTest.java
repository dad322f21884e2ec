package dev.upc.scheduler.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.JobLogEntry;
import dev.upc.protocol.JobLogEntry.Type;
import dev.upc.protocol.JobLogLine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LogStitcherTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private final LogStitcher stitcher = new LogStitcher();

    /** Lines "tick a".."tick b", printed one second apart from T0 + offset seconds. */
    private static List<JobLogLine> ticks(int a, int b, int offset) {
        List<JobLogLine> lines = new ArrayList<>();
        for (int i = a; i <= b; i++) {
            lines.add(new JobLogLine(T0.plusSeconds(offset + i), "stdout", "tick " + i));
        }
        return lines;
    }

    private static List<JobLogLine> concat(List<JobLogLine> a, List<JobLogLine> b) {
        List<JobLogLine> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String render(List<JobLogEntry> entries) {
        return entries.stream().map(e -> switch (e.type()) {
            case EPOCH -> "[" + e.epoch() + " carried=" + e.carriedLines() + " repeats=" + e.repeatsThrough() + "]";
            case LINE -> e.line() + ":" + e.text() + (Boolean.TRUE.equals(e.repeated()) ? "*" : "");
            case NOTE -> "(" + e.text() + ")";
        }).collect(Collectors.joining(" "));
    }

    private void placement(long epoch, boolean restored) {
        stitcher.placement(new LogStitcher.Placement(epoch, "w" + epoch, "pc" + epoch, restored,
                T0.plusSeconds(100 * epoch)));
    }

    @Test
    void aMigratedJobReadsAsOneLogWithEachPlacementMarked() {
        placement(1, false);
        stitcher.lines(1, 1, ticks(1, 3, 0), T0);
        stitcher.complete(1, false);
        placement(2, true);
        stitcher.lines(2, 1, concat(ticks(1, 3, 0), ticks(4, 5, 0)), T0); // carried 1..3, then its own

        assertThat(render(stitcher.drain(T0, false)))
                .isEqualTo("[1 carried=0 repeats=null] 1:tick 1 2:tick 2 3:tick 3 [2 carried=3 repeats=null] 4:tick 4 5:tick 5");
    }

    @Test
    void aRestoreFromAnOlderCheckpointMarksTheRepeatedOutput() {
        placement(1, false);
        stitcher.lines(1, 1, ticks(1, 6, 0), T0);
        placement(2, true); // restored from a checkpoint taken after line 4: lines 5 and 6 come again, later
        stitcher.lines(2, 1, concat(ticks(1, 4, 0), ticks(5, 7, 60)), T0.plusSeconds(120));

        List<JobLogEntry> entries = stitcher.drain(T0.plusSeconds(120), true);

        assertThat(render(entries)).isEqualTo("[1 carried=0 repeats=null] 1:tick 1 2:tick 2 3:tick 3 4:tick 4 5:tick 5 "
                + "6:tick 6 [2 carried=4 repeats=6] 5:tick 5* 6:tick 6* 7:tick 7");
        assertThat(entries.stream().filter(e -> e.type() == Type.EPOCH).skip(1).findFirst().orElseThrow().text())
                .contains("restored on pc2").contains("continues after line 4").contains("lines 5–6 repeat");
    }

    @Test
    void linesThatOnlyTheCheckpointCarriedAreShownOnce() {
        placement(1, false);
        stitcher.lines(1, 1, ticks(1, 2, 0), T0); // its PC vanished before sending 3 and 4
        placement(2, true);
        stitcher.lines(2, 1, ticks(1, 5, 0), T0.plusSeconds(200));

        assertThat(render(stitcher.drain(T0.plusSeconds(200), true)))
                .isEqualTo("[1 carried=0 repeats=null] 1:tick 1 2:tick 2 [2 carried=2 repeats=null] 3:tick 3 4:tick 4 "
                        + "5:tick 5");
    }

    @Test
    void aFollowerSeesEntriesOnlyOnceTheyAreCertainAndInOrder() {
        placement(1, false);
        stitcher.lines(1, 1, ticks(1, 5, 0), T0);
        stitcher.complete(1, false);
        List<JobLogEntry> seen = new ArrayList<>(stitcher.drain(T0, false));
        placement(2, true);
        stitcher.lines(2, 1, ticks(1, 2, 0), T0.plusSeconds(1)); // the carried lines, still arriving
        assertThat(stitcher.drain(T0.plusSeconds(1), false)).isEmpty();

        stitcher.lines(2, 3, concat(ticks(3, 5, 0), ticks(6, 6, 0)), T0.plusSeconds(2));
        seen.addAll(stitcher.drain(T0.plusSeconds(2), false));
        stitcher.lines(2, 7, ticks(7, 7, 0), T0.plusSeconds(3));
        seen.addAll(stitcher.drain(T0.plusSeconds(3), false));

        assertThat(render(seen)).isEqualTo("[1 carried=0 repeats=null] 1:tick 1 2:tick 2 3:tick 3 4:tick 4 5:tick 5 "
                + "[2 carried=5 repeats=null] 6:tick 6 7:tick 7");
    }

    @Test
    void aSupersededPlacementThatFellSilentIsLeftBehindAfterAQuietSpell() {
        placement(1, false);
        stitcher.lines(1, 1, ticks(1, 2, 0), T0);
        placement(2, false); // started again from scratch elsewhere; epoch 1 never said it ended
        stitcher.lines(2, 1, ticks(1, 1, 500), T0.plusSeconds(201));

        assertThat(render(stitcher.drain(T0.plusSeconds(201), false))).isEqualTo("[1 carried=0 repeats=null] 1:tick 1 2:tick 2");
        assertThat(render(stitcher.drain(T0.plusSeconds(200).plus(LogStitcher.QUIET).plusSeconds(1), false)))
                .isEqualTo("[2 carried=0 repeats=null] 1:tick 1");
    }

    @Test
    void aFailedRestoreThatPrintedNothingLeavesTheLogForTheRollback() {
        placement(1, false);
        stitcher.lines(1, 1, ticks(1, 3, 0), T0);
        stitcher.complete(1, false);
        placement(2, true); // the target could not restore: no line
        stitcher.complete(2, false);
        placement(3, true); // back on the source, from its own dump
        stitcher.lines(3, 1, concat(ticks(1, 3, 0), ticks(4, 4, 0)), T0.plusSeconds(300));

        assertThat(render(stitcher.drain(T0.plusSeconds(300), true))).isEqualTo("[1 carried=0 repeats=null] 1:tick 1 "
                + "2:tick 2 3:tick 3 [2 carried=null repeats=null] [3 carried=3 repeats=null] 4:tick 4");
    }

    @Test
    void aLookAtARunningJobShowsTheRestoredPlacementOnlyOnceItSentLines() {
        placement(1, false);
        stitcher.lines(1, 1, ticks(1, 3, 0), T0); // its last lines may still come: not complete
        placement(2, true); // just restored, has sent nothing yet

        assertThat(render(stitcher.snapshot(T0.plusSeconds(200), false)))
                .isEqualTo("[1 carried=0 repeats=null] 1:tick 1 2:tick 2 3:tick 3");
    }

    @Test
    void missingLinesAndTheCapAreSaid() {
        placement(1, false);
        stitcher.lines(1, 1, ticks(1, 2, 0), T0);
        stitcher.lines(1, 5, ticks(5, 5, 0), T0);
        stitcher.complete(1, true);

        assertThat(render(stitcher.drain(T0, false))).isEqualTo("[1 carried=0 repeats=null] 1:tick 1 2:tick 2 "
                + "(lines 3–4 of this placement were not received) 5:tick 5 "
                + "(this placement's log reached its size cap; later lines were not kept)");
    }

    @Test
    void repeatedChunksChangeNothing() {
        placement(1, false);
        stitcher.lines(1, 1, ticks(1, 3, 0), T0);
        String first = render(stitcher.drain(T0, false));
        stitcher.lines(1, 1, ticks(1, 4, 0), T0.plus(Duration.ofSeconds(1))); // an agent sending again from line 1
        assertThat(first + " " + render(stitcher.drain(T0.plusSeconds(1), false)))
                .isEqualTo("[1 carried=0 repeats=null] 1:tick 1 2:tick 2 3:tick 3 4:tick 4");
    }
}
