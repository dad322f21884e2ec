package dev.upc.e2e.job;

import dev.upc.cli.client.UpcClient;
import dev.upc.protocol.JobLogEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When each placement (epoch) of a job printed, from its stitched log: the first and last time a line of it was
 * printed, to the millisecond where the line says when (the counter's ticks end in {@code at=<epoch ms>}), else as its
 * PC's podman stamped it (libpod's API gives whole seconds). Two copies that ran at once show as overlapping spans.
 */
public record JobRuns(List<Span> spans) {

    private static final Pattern PRINTED_AT = Pattern.compile(" at=(\\d{1,15})$");

    /** The lines one epoch printed itself (not those carried over from its checkpoint), from first to last. */
    public record Span(long epoch, Instant first, Instant last, int lines) {
    }

    public static JobRuns ofJob(UpcClient client, String jobId) {
        Map<Long, Span> byEpoch = new TreeMap<>();
        client.logs(jobId, false, entry -> {
            if (entry.type() != JobLogEntry.Type.LINE || entry.at() == null) {
                return;
            }
            Instant at = printedAt(entry);
            byEpoch.merge(entry.epoch(), new Span(entry.epoch(), at, at, 1), (a, b) -> new Span(
                    a.epoch(), min(a.first(), b.first()), max(a.last(), b.last()), a.lines() + b.lines()));
        });
        return new JobRuns(List.copyOf(byEpoch.values()));
    }

    /** When the line was printed: the time it carries, else its stamp. */
    static Instant printedAt(JobLogEntry entry) {
        Matcher printed = PRINTED_AT.matcher(entry.text() == null ? "" : entry.text());
        return printed.find() ? Instant.ofEpochMilli(Long.parseLong(printed.group(1))) : entry.at();
    }

    /** Each pair of epochs that printed at the same time, described; empty when one copy ran at a time. */
    public List<String> overlaps() {
        List<String> found = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            for (int j = i + 1; j < spans.size(); j++) {
                Span a = spans.get(i);
                Span b = spans.get(j);
                if (a.first().isBefore(b.last()) && b.first().isBefore(a.last())) {
                    found.add("epoch " + a.epoch() + " printed " + a.first() + " .. " + a.last() + ", epoch "
                            + b.epoch() + " " + b.first() + " .. " + b.last());
                }
            }
        }
        return found;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
