package dev.upc.cli.command;

import dev.upc.cli.render.LogPrinter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upc jobs logs}: a job's output, all placements stitched in order. */
@Command(name = "logs", description = {"Print a job's output, all its placements stitched in order.",
        "Its lines go to stdout, each once. On stderr: a marker where a placement begins",
        "(── epoch 2: migrated to pc1, continues after line 120 ──), notes about the log itself, and lines that",
        "repeat earlier output after a restore from an older checkpoint, prefixed [repeated]."})
public final class JobLogsCommand implements Callable<Integer> {

    private final Session session;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the job has finished.")
    boolean follow;

    @Option(names = "--json", description = "Print the JobLogEntry records as they come, one JSON object a line.")
    boolean json;

    JobLogsCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        if (json) {
            session.client().logs(id, follow, entry -> {
                session.printJsonLine(entry);
                if (follow) {
                    session.out().flush();
                }
            });
        } else {
            session.client().logs(id, follow, new LogPrinter(session.out(), session.err(), follow));
        }
        return ExitCode.OK;
    }
}
