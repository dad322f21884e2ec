package dev.upc.cli.render;

import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerRegistration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The table of {@code upc workers list}. */
public final class WorkerTable {

    private WorkerTable() {
    }

    /**
     * NAME, ID, STATUS (+DRAINING), SPEED (benchmark score, 1.00 = the reference CPU), CPUS and MEMORY lent to jobs,
     * OWNER (whether the PC's owner is using it), JOBS (containers in the latest report), LAST SEEN.
     */
    public static Table of(List<WorkerInfo> workers, Instant now) {
        Table table = Table.withColumns("NAME", "ID", "STATUS", "SPEED", "CPUS", "MEMORY", "OWNER", "JOBS",
                "LAST SEEN").alignRight("SPEED", "CPUS", "MEMORY", "JOBS", "LAST SEEN");
        for (WorkerInfo worker : workers) {
            WorkerRegistration registration = worker.registration();
            Heartbeat report = worker.latestReport();
            table.row(
                    registration == null ? Cells.NONE : registration.hostname(),
                    worker.workerId(),
                    status(worker),
                    registration == null || registration.benchmarkScore() == null ? Cells.NONE
                            : String.format(Locale.ROOT, "%.2f", registration.benchmarkScore()),
                    registration == null || registration.jobCpus() == null ? Cells.NONE
                            : registration.jobCpus().toString(),
                    registration == null || registration.memoryMiB() == null ? Cells.NONE
                            : Sizes.mebibytes(registration.lentMemoryMiB()),
                    report == null || report.ownerState() == null ? Cells.NONE
                            : report.ownerState().name().toLowerCase(Locale.ROOT),
                    report == null ? Cells.NONE : String.valueOf(report.containers().size()),
                    RelativeTime.ago(worker.lastSeenAt(), now));
        }
        return table;
    }

    /**
     * "ONLINE", "SUSPECT", "LOST", with ",PENDING" while a new PC waits for an admin's approval and ",DRAINING" while
     * an admin drains it.
     */
    public static String status(WorkerInfo worker) {
        String status = worker.status() == null ? Cells.NONE : worker.status().name();
        if (worker.pendingApproval()) {
            return status + ",PENDING";
        }
        return worker.desiredState() == DesiredState.DRAIN ? status + ",DRAINING" : status;
    }
}
