package dev.upc.cli.render;

import dev.upc.protocol.JobLogEntry;

/**
 * The short lines {@code upc jobs logs} prints on stderr between a job's own lines, so that stdout stays exactly the
 * job's output: "── epoch 2: migrated to pc1, continues after line 120 ──".
 */
public final class LogMarkers {

    /** Put before a line that repeats output already shown (printed again after a restore from an older checkpoint). */
    public static final String REPEATED_PREFIX = "[repeated] ";

    private LogMarkers() {
    }

    public static String epoch(JobLogEntry entry) {
        StringBuilder marker = new StringBuilder("── epoch ").append(entry.epoch()).append(": ");
        if (entry.text() != null && !entry.text().isBlank()) {
            return marker.append(entry.text()).append(" ──").toString(); // the scheduler's own summary says it all
        }
        marker.append(entry.workerId() == null ? "started" : "on " + entry.workerId());
        long carried = entry.carriedLines() == null ? 0 : entry.carriedLines();
        if (carried > 0) {
            marker.append(", continues after line ").append(carried);
        }
        if (entry.repeatsThrough() != null && entry.repeatsThrough() > carried) {
            long from = carried + 1;
            marker.append(from == entry.repeatsThrough()
                    ? ", line " + from + " repeats earlier output"
                    : ", lines " + from + "–" + entry.repeatsThrough() + " repeat earlier output");
        }
        return marker.append(" ──").toString();
    }

    public static String note(JobLogEntry entry) {
        return "── " + (entry.text() == null ? "note" : entry.text()) + " ──";
    }

    public static String repeated(JobLogEntry line) {
        return REPEATED_PREFIX + line.text();
    }
}
