package dev.upc.cli.render;

import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The table of {@code upc jobs list} and {@code upc jobs watch}. */
public final class JobTable {

    private JobTable() {
    }

    /**
     * ID, NAME, (OWNER), STATE, PC, PROGRESS, CPU, AGE, and a WAITING column with the scheduler's reason when a
     * queued job has one.
     *
     * @param withOwner whether the jobs may be other users' (--all, --user)
     */
    public static Table of(List<JobInfo> jobs, boolean withOwner, Instant now) {
        boolean waiting = jobs.stream().anyMatch(JobTable::hasWaitingReason);
        List<String> columns = new ArrayList<>(List.of("ID", "NAME"));
        if (withOwner) {
            columns.add("OWNER");
        }
        columns.addAll(List.of("STATE", "PC", "PROGRESS", "CPU", "AGE"));
        if (waiting) {
            columns.add("WAITING");
        }
        Table table = Table.withColumns(columns).alignRight("PROGRESS", "CPU", "AGE");
        for (JobInfo job : jobs) {
            List<String> cells = new ArrayList<>();
            cells.add(job.id());
            cells.add(job.submission() == null ? Cells.NONE : job.submission().name());
            if (withOwner) {
                cells.add(Cells.orNone(job.owner()));
            }
            cells.add(JobStateLine.word(job));
            cells.add(pc(job));
            cells.add(JobProgress.percent(job));
            cells.add(CpuTime.of(job.cpuSeconds()));
            cells.add(age(job, now));
            if (waiting) {
                cells.add(hasWaitingReason(job) ? job.waitingReason() : "");
            }
            table.row(cells);
        }
        return table;
    }

    /** The PC's name as the scheduler last heard it, else the worker id, else "—" (queued, finished). */
    public static String pc(JobInfo job) {
        if (job.workerName() != null && !job.workerName().isBlank()) {
            return job.workerName();
        }
        return Cells.orNone(job.workerId());
    }

    /** Since submission, or how long it ran once finished. */
    private static String age(JobInfo job, Instant now) {
        if (job.submittedAt() == null) {
            return Cells.NONE;
        }
        return RelativeTime.of(Duration.between(job.submittedAt(), now));
    }

    private static boolean hasWaitingReason(JobInfo job) {
        return job.state() == JobState.QUEUED && job.waitingReason() != null && !job.waitingReason().isBlank();
    }
}
