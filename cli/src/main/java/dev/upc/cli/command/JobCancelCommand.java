package dev.upc.cli.command;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code upc jobs cancel}. */
@Command(name = "cancel", description = "Cancel jobs: they stop wherever they are and will not run again.")
public final class JobCancelCommand implements Callable<Integer> {

    private final Session session;

    @Parameters(paramLabel = "ID", arity = "1..*")
    List<String> ids;

    JobCancelCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        for (String id : ids) {
            session.say("cancelled " + session.client().cancel(id).id());
        }
        return ExitCode.OK;
    }
}
