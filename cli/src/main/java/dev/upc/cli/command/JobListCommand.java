package dev.upc.cli.command;

import dev.upc.cli.client.JobQuery;
import dev.upc.cli.render.JobTable;
import dev.upc.protocol.JobList;
import dev.upc.protocol.JobState;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code upc jobs list}: the caller's jobs (or everyone's), newest first. */
@Command(name = "list", sortOptions = false,
        description = {"List jobs, newest first: your own, or everyone's with --all (admins).",
                "A queued job's WAITING column says why no PC took it yet."})
public final class JobListCommand implements Callable<Integer> {

    static final int DEFAULT_LIMIT = 100;

    private final Session session;

    @Spec
    CommandSpec spec;

    @Option(names = "--all", description = "Everyone's jobs (admins only).")
    boolean all;

    @Option(names = "--user", paramLabel = "NAME", description = "NAME's jobs (admins, or yourself).")
    String user;

    @Option(names = "--state", paramLabel = "STATE",
            description = "Only jobs in this state: ${COMPLETION-CANDIDATES}.")
    JobState state;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + DEFAULT_LIMIT,
            description = "At most N jobs (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print {\"jobs\":[…],\"nextCursor\":…} as the scheduler's JobList.")
    boolean json;

    JobListCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        if (all && user != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--all and --user exclude each other");
        }
        if (limit < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 1");
        }
        JobList jobs = session.client().jobs(query(), limit);
        if (json) {
            session.printJson(jobs);
            return ExitCode.OK;
        }
        if (jobs.jobs().isEmpty()) {
            session.say("no jobs" + (state == null ? "" : " " + state));
            return ExitCode.OK;
        }
        JobTable.of(jobs.jobs(), all || user != null, session.now()).print(session.out());
        if (jobs.nextCursor() != null) {
            session.say("the " + jobs.jobs().size() + " newest are shown; --limit " + Math.max(limit * 2, 500)
                    + " shows more");
        }
        return ExitCode.OK;
    }

    JobQuery query() {
        JobQuery query = all ? JobQuery.everyone() : user != null ? JobQuery.ofOwner(user) : JobQuery.mine();
        return query.withState(state);
    }
}
