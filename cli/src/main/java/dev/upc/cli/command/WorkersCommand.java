package dev.upc.cli.command;

import dev.upc.cli.render.WorkerTable;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upc workers …} (admin): the PCs of the cluster, on the worker registry. */
@Command(name = "workers", description = "List the cluster's PCs, drain and undrain them (admins).")
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

    @Command(name = "undrain", description = "Let a drained PC take jobs again.")
    int undrain(@Parameters(paramLabel = "PC", description = "The PC's name or worker id.") String pc) {
        WorkerInfo worker = session.client().undrain(pc);
        session.say(name(worker) + " takes jobs again");
        return ExitCode.OK;
    }

    private static String name(WorkerInfo worker) {
        return worker.registration() == null ? worker.workerId()
                : worker.registration().hostname() + " (" + worker.workerId() + ")";
    }
}
