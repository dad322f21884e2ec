package dev.upc.cli.render;

import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;

/**
 * How far a job got, as its CPU time over its work estimate (both in CPU seconds). It can pass 100% when the estimate
 * was low or a slower PC ran it; shown as is, since that says the estimate was off.
 */
public final class JobProgress {

    private JobProgress() {
    }

    /** "42%", "100%" once succeeded, "—" without an estimate. */
    public static String percent(JobInfo job) {
        if (job.state() == JobState.SUCCEEDED) {
            return "100%";
        }
        Double estimate = job.submission() == null ? null : job.submission().workEstimate();
        if (estimate == null || estimate <= 0) {
            return Cells.NONE;
        }
        double done = job.cpuSeconds() == null ? 0 : job.cpuSeconds();
        return (long) Math.floor(100 * done / estimate) + "%";
    }
}
