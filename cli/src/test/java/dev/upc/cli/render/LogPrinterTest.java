package dev.upc.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.cli.testing.Samples;
import dev.upc.protocol.JobLogEntry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogPrinterTest {

    @Test
    void epochMarkersGiveTheSchedulersSummaryOrSayWhereThePlacementContinues() {
        assertThat(LogMarkers.epoch(epoch(1, "started on pc2", 0L, null))).isEqualTo("── epoch 1: started on pc2 ──");
        assertThat(LogMarkers.epoch(epoch(2, "restored on pc1 from a checkpoint; continues after line 120", 120L, null)))
                .isEqualTo("── epoch 2: restored on pc1 from a checkpoint; continues after line 120 ──");
        assertThat(LogMarkers.epoch(epoch(3, null, 100L, 120L)))
                .isEqualTo("── epoch 3: on w3, continues after line 100, lines 101–120 repeat earlier output ──");
        assertThat(LogMarkers.epoch(new JobLogEntry(JobLogEntry.Type.EPOCH, 4, null, null, null, null, "w9", null,
                null, null))).isEqualTo("── epoch 4: on w9 ──");
        assertThat(LogMarkers.note(JobLogEntry.note(2, "lines 61–64 are missing")))
                .isEqualTo("── lines 61–64 are missing ──");
    }

    @Test
    void stdoutGetsEachLineOnceAndStderrTheMarkersAndRepeats() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LogPrinter printer = new LogPrinter(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        printer.accept(epoch(1, "started on pc1", 0L, null));
        printer.accept(JobLogEntry.line(1, 1, Samples.NOW, "stdout", "one", false));
        printer.accept(JobLogEntry.line(1, 2, Samples.NOW, "stderr", "two", false));
        printer.accept(epoch(2, null, 1L, 2L));
        printer.accept(JobLogEntry.line(2, 2, Samples.NOW, "stderr", "two", true));
        printer.accept(JobLogEntry.line(2, 3, Samples.NOW, "stdout", "three", false));
        printer.accept(JobLogEntry.note(2, "the log was cut at 64 MiB"));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("one\ntwo\nthree\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("""
                ── epoch 1: started on pc1 ──
                ── epoch 2: on w2, continues after line 1, line 2 repeats earlier output ──
                [repeated] two
                ── the log was cut at 64 MiB ──
                """);
    }

    private static JobLogEntry epoch(long epoch, String text, Long carried, Long repeatsThrough) {
        return new JobLogEntry(JobLogEntry.Type.EPOCH, epoch, null, Samples.NOW, null, text, "w" + epoch, carried,
                repeatsThrough, null);
    }
}
