package dev.upc.cli.command;

import dev.upc.cli.render.WorkerTable;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerList;
import dev.upc.protocol.WorkerRevocation;
import dev.upc.protocol.WorkerRevocationList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upc workers …} (admin): the PCs of the cluster, on the worker registry. */
@Command(name = "workers", description = "List the cluster's PCs, drain, remove and revoke them (admins).")
public final class WorkersCommand extends CommandGroup {

    private final Session session;

    WorkersCommand(Session session) {
        this.session = session;
    }

    @Command(name = "list", description = {"List the PCs: liveness, speed, what they lend, whether their owner is",
            "using them, and how many job containers they run."})
    int list(@Option(names = "--json", description = "Print {\"workers\":[…],\"nextCursor\":null} (WorkerList).")
             boolean json) {
        List<WorkerInfo> workers = session.client().workers();
        if (json) {
            session.printJson(new WorkerList(workers, null));
        } else if (workers.isEmpty()) {
            session.say("no workers have registered");
        } else {
            WorkerTable.of(workers, session.now()).print(session.out());
        }
        return ExitCode.OK;
    }

    @Command(name = "drain", description = "Stop placing jobs on a PC and move its running jobs off.")
    int drain(@Parameters(paramLabel = "PC", description = "The PC's name or worker id.") String pc) {
        WorkerInfo worker = session.client().drain(pc);
        session.say("draining " + name(worker) + ": it takes no new jobs and its jobs move off");
        return ExitCode.OK;
    }

    @Command(name = "approve", description = {"Let a newly enrolled PC take jobs (when the registry asks for approval:",
            "upc.registry.approve-new-workers). Until then it is listed as PENDING and gets no work."})
    int approve(@Parameters(paramLabel = "PC", description = "The PC's name or worker id.") String pc) {
        WorkerInfo worker = session.client().approve(pc);
        session.say(name(worker) + " is approved and takes jobs");
        return ExitCode.OK;
    }

    @Command(name = "undrain", description = "Let a drained PC take jobs again.")
    int undrain(@Parameters(paramLabel = "PC", description = "The PC's name or worker id.") String pc) {
        WorkerInfo worker = session.client().undrain(pc);
        session.say(name(worker) + " takes jobs again");
        return ExitCode.OK;
    }

    @Command(name = "remove", description = {"Forget a PC and revoke its tokens (its jobs run again elsewhere).",
            "Its agent may enrol it again, as a new worker; use revoke to keep it out."})
    int remove(@Parameters(paramLabel = "PC", description = "The PC's name or worker id.") String pc) {
        String id = session.client().removeWorker(pc);
        session.say("removed " + pc + " (" + id + "): its tokens are refused; its jobs run again elsewhere");
        return ExitCode.OK;
    }

    @Command(name = "revoke", description = {"Take a PC out for good: forgotten, its tokens refused everywhere,",
            "and its enrolment refused until 'upc workers unban WORKER_ID'."})
    int revoke(@Parameters(paramLabel = "PC", description = "The PC's name or worker id.") String pc) {
        String id = session.client().revokeWorker(pc);
        session.say("revoked " + pc + " (" + id + "): its tokens are refused and it may not enrol again; undo with "
                + "'upc workers unban " + id + "'");
        return ExitCode.OK;
    }

    @Command(name = "unban", description = "Let a revoked PC enrol again (as a new worker).")
    int unban(@Parameters(paramLabel = "WORKER_ID", description = "The revoked worker's id.") String workerId) {
        session.client().unbanWorker(workerId);
        session.say(workerId + "'s PC may enrol again, as a new worker");
        return ExitCode.OK;
    }

    @Command(name = "revocations", description = "List removed and revoked workers, oldest first.")
    int revocations(@Option(names = "--json", description = "Print {\"revocations\":[…]} (WorkerRevocationList).")
                    boolean json) {
        List<WorkerRevocation> revocations = session.client().workerRevocations();
        if (json) {
            session.printJson(new WorkerRevocationList(revocations, null));
        } else if (revocations.isEmpty()) {
            session.say("no worker was removed or revoked");
        } else {
            for (WorkerRevocation r : revocations) {
                session.out().printf("%-16s %-40s %s %s%n", r.workerId(), r.machineId(), r.revokedAt(),
                        r.banned() ? "revoked (may not enrol)" : "removed");
            }
        }
        return ExitCode.OK;
    }

    private static String name(WorkerInfo worker) {
        return worker.registration() == null ? worker.workerId()
                : worker.registration().hostname() + " (" + worker.workerId() + ")";
    }
}
