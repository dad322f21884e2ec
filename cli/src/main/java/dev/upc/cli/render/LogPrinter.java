package dev.upc.cli.render;

import dev.upc.protocol.JobLogEntry;
import java.io.PrintStream;
import java.util.function.Consumer;

/**
 * Prints a job's stitched log: its lines, each once and in order, on stdout (stdout and stderr of the job alike, as
 * {@code kubectl logs} does); epoch and note markers on stderr; lines that repeat earlier output (a restore from an
 * older checkpoint printed them again) on stderr with {@value LogMarkers#REPEATED_PREFIX}, so that stdout reads as
 * one run of the job.
 */
public final class LogPrinter implements Consumer<JobLogEntry> {

    private final PrintStream out;
    private final PrintStream err;
    private final boolean flushEveryEntry;

    /**
     * @param flushEveryEntry for a followed log, so each line shows as it arrives
     */
    public LogPrinter(PrintStream out, PrintStream err, boolean flushEveryEntry) {
        this.out = out;
        this.err = err;
        this.flushEveryEntry = flushEveryEntry;
    }

    @Override
    public void accept(JobLogEntry entry) {
        switch (entry.type()) {
            case LINE -> {
                if (Boolean.TRUE.equals(entry.repeated())) {
                    out.flush();
                    err.println(LogMarkers.repeated(entry));
                } else {
                    out.println(entry.text() == null ? "" : entry.text());
                }
            }
            case EPOCH -> marker(LogMarkers.epoch(entry));
            case NOTE -> marker(LogMarkers.note(entry));
            default -> {
            }
        }
        if (flushEveryEntry) {
            out.flush();
        }
    }

    /** Flushes stdout first, so a marker lands between the lines it separates when both go to one terminal. */
    private void marker(String text) {
        out.flush();
        err.println(text);
        err.flush();
    }
}
