package dev.upc.e2e.job;

import dev.upc.agent.libpod.LogLine;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a counter job printed, read back from its log: how often it started, its ticks in order and
 * whether its memory checksum ever failed.
 */
public record CounterOutput(int starts, List<Long> ticks, int memoryFailures, String checksum) {

    private static final Pattern START = Pattern.compile("upc-counter start mem=(\\d+)MiB sum=(\\p{XDigit}+)");
    private static final Pattern TICK = Pattern.compile("tick (\\d+) state=\\p{XDigit}+ mem (ok|none|CORRUPT)");

    /**
     * What the job printed in all its placements, as the scheduler stitches its log: the lines, without UPC's
     * markers. A line printed again after a restore from an older checkpoint is there again too, so such a job does
     * not read as one uninterrupted run.
     */
    /** Polls the job's shipped log until it shows tick {@code tick}; fails after {@code timeout}. */
    public static CounterOutput awaitTick(dev.upc.cli.client.UpcClient client, String jobId, long tick,
                                          java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CounterOutput output;
        while ((output = ofJob(client, jobId)).lastTick() < tick) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(jobId + " did not reach tick " + tick + " within " + timeout
                        + "; its log shows " + output.ticks());
            }
            Thread.sleep(100);
        }
        return output;
    }

    public static CounterOutput ofJob(dev.upc.cli.client.UpcClient client, String jobId) {
        List<LogLine> lines = new ArrayList<>();
        client.logs(jobId, false, entry -> {
            if (entry.type() == dev.upc.protocol.JobLogEntry.Type.LINE) {
                lines.add(new LogLine("stderr".equals(entry.stream()) ? LogLine.Stream.STDERR : LogLine.Stream.STDOUT,
                        entry.text()));
            }
        });
        return of(lines);
    }

    public static CounterOutput of(List<LogLine> lines) {
        int starts = 0;
        int failures = 0;
        String checksum = null;
        List<Long> ticks = new ArrayList<>();
        for (LogLine line : lines) {
            Matcher start = START.matcher(line.text());
            if (start.find()) {
                starts++;
                checksum = start.group(2);
                continue;
            }
            Matcher tick = TICK.matcher(line.text());
            if (tick.find()) {
                ticks.add(Long.parseLong(tick.group(1)));
                if (tick.group(2).equals("CORRUPT")) {
                    failures++;
                }
            }
        }
        return new CounterOutput(starts, List.copyOf(ticks), failures, checksum);
    }

    public long lastTick() {
        return ticks.isEmpty() ? 0 : ticks.get(ticks.size() - 1);
    }

    /** True when the ticks count up by one with no gap and no restart. */
    public boolean consecutive() {
        for (int i = 1; i < ticks.size(); i++) {
            if (ticks.get(i) != ticks.get(i - 1) + 1) {
                return false;
            }
        }
        return ticks.isEmpty() || ticks.get(0) == 1;
    }

    /** The ticks printed after the first {@code count} ones. */
    public List<Long> ticksAfter(int count) {
        return ticks.subList(Math.min(count, ticks.size()), ticks.size());
    }
}
