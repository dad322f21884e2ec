package dev.upc.cli.render;

import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;

/** One line per change of a job being waited for: "j42 RUNNING on pc2", "j42 QUEUED: no online PC has 4 free cores". */
public final class JobStateLine {

    private JobStateLine() {
    }

    public static String of(JobInfo job) {
        StringBuilder line = new StringBuilder(job.id()).append(' ').append(word(job));
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

    /**
     * The job's state as people read it: SUSPENDED for a running job its PC's agent holds for the owner who came back
     * (the API's state stays RUNNING, with {@code suspendedSince}), else the state.
     */
    public static String word(JobInfo job) {
        return job.state() == JobState.RUNNING && job.suspendedSince() != null ? "SUSPENDED" : job.state().name();
    }
}
