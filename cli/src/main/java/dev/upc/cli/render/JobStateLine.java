package dev.upc.cli.render;

import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;

/** One line per change of a job being waited for: "j42 RUNNING on pc2", "j42 QUEUED: no online PC has 4 free cores". */
public final class JobStateLine {

    private JobStateLine() {
    }

    public static String of(JobInfo job) {
        StringBuilder line = new StringBuilder(job.id()).append(' ').append(job.state());
        JobState state = job.state();
        if ((state == JobState.PLACED || state == JobState.RUNNING || state == JobState.MIGRATING)
                && (job.workerName() != null || job.workerId() != null)) {
            line.append(" on ").append(JobTable.pc(job));
        }
        if (state == JobState.QUEUED && job.waitingReason() != null) {
            line.append(": ").append(job.waitingReason());
        }
        if (state.terminal()) {
            if (job.exitCode() != null) {
                line.append(" (exit code ").append(job.exitCode()).append(')');
            }
            if (state != JobState.SUCCEEDED && job.reason() != null) {
                line.append(": ").append(job.reason());
            }
        }
        return line.toString();
    }
}
