package dev.upc.cli.command;

import dev.upc.cli.client.JobQuery;
import dev.upc.cli.render.JobTable;
import dev.upc.cli.render.Table;
import dev.upc.protocol.JobInfo;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code upc jobs watch}: the jobs table, refreshed. On a terminal it is redrawn in place; into a file or a pipe a new
 * table is printed only when a job changed state, PC or reason, so a log of it reads as a history.
 */
@Command(name = "watch", sortOptions = false,
        description = {"Show the jobs table live, refreshed every 2 s, until Ctrl-C.",
                "Not on a terminal, a new table is printed only when a job changed."})
public final class JobWatchCommand implements Callable<Integer> {

    private static final String HOME_AND_CLEAR = "\033[H\033[2J";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Session session;

    @Option(names = "--all", description = "Everyone's jobs (admins only).")
    boolean all;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "At most N jobs, newest first (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s", converter = DurationArgument.class,
            description = "Time between refreshes (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Stop after N refreshes (default: never).")
    int count;

    JobWatchCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() throws InterruptedException {
        JobQuery query = all ? JobQuery.everyone() : JobQuery.mine();
        boolean terminal = session.env().stdoutTerminal();
        List<List<Object>> shown = null;
        for (int refresh = 1; count == 0 || refresh <= count; refresh++) {
            if (refresh > 1) {
                Thread.sleep(Math.max(100, interval.toMillis()));
            }
            List<JobInfo> jobs = session.client().jobs(query, limit).jobs();
            Table table = JobTable.of(jobs, all, session.now());
            if (terminal) {
                session.out().print(HOME_AND_CLEAR);
                session.out().println("upc jobs watch" + (all ? " --all" : "") + ", every "
                        + interval.toSeconds() + "s, " + ZonedDateTime.now(session.env().clock()).format(CLOCK));
                session.out().println();
                print(table, jobs);
            } else {
                List<List<Object>> now = jobs.stream().map(JobWatchCommand::whatMatters).toList();
                if (!now.equals(shown)) {
                    if (shown != null) {
                        session.out().println();
                    }
                    print(table, jobs);
                    shown = now;
                }
            }
            session.out().flush();
        }
        return ExitCode.OK;
    }

    private void print(Table table, List<JobInfo> jobs) {
        if (jobs.isEmpty()) {
            session.out().println("no jobs");
        } else {
            table.print(session.out());
        }
    }

    /** The facts whose change is worth a new table; CPU time and age change on every refresh. */
    private static List<Object> whatMatters(JobInfo job) {
        return java.util.Arrays.asList(job.id(), job.state(), job.epoch(), job.workerId(), job.workerName(),
                job.reason(), job.waitingReason(), Objects.requireNonNullElse(job.exitCode(), ""));
    }
}
