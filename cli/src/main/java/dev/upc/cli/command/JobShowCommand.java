package dev.upc.cli.command;

import dev.upc.cli.render.JobDetails;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobInfo;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upc jobs show}: one job's fields and its history. */
@Command(name = "show", description = {"Show a job: owner, state, PC, progress, CPU time, retries, exit code, reason,",
        "image, command, resources, and its history (placements, checkpoints, migrations with their downtime)."})
public final class JobShowCommand implements Callable<Integer> {

    private final Session session;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--json", description = "Print {\"job\": JobInfo, \"events\": [JobEvent…]}.")
    boolean json;

    JobShowCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        JobInfo job = session.client().job(id);
        List<JobEvent> events = session.client().events(id);
        if (json) {
            session.printJson(new Shown(job, events));
            return ExitCode.OK;
        }
        new JobDetails(session.now(), session.env().clock().getZone()).lines(job, events)
                .forEach(session.out()::println);
        return ExitCode.OK;
    }

    /** The JSON of {@code upc jobs show --json}: the job and its whole history. */
    public record Shown(JobInfo job, List<JobEvent> events) {
    }
}
