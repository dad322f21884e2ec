package dev.upc.cli.command;

import dev.upc.cli.render.JobTable;
import dev.upc.protocol.JobInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upc jobs migrate}. */
@Command(name = "migrate", description = "Move a running job to another PC by checkpoint and restore.")
public final class JobMigrateCommand implements Callable<Integer> {

    private final Session session;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--to", paramLabel = "PC", description = "The target PC's name or worker id (default: where the "
            + "scheduler expects the job to finish earliest).")
    String target;

    JobMigrateCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        JobInfo job = session.client().migrate(id, target);
        session.say(job.id() + " is " + job.state() + " from " + JobTable.pc(job)
                + (target == null ? "" : " to " + target) + "; 'upc jobs wait' or 'upc jobs show' follows it");
        return ExitCode.OK;
    }
}
