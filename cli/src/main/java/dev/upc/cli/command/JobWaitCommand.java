package dev.upc.cli.command;

import dev.upc.cli.client.AwaitTimeoutException;
import dev.upc.cli.render.JobStateLine;
import dev.upc.cli.render.RelativeTime;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upc jobs wait}: exits 0 only if the job SUCCEEDED. */
@Command(name = "wait", description = {"Wait for a job to finish, telling its state changes on stderr.",
        "Exits 0 only if it SUCCEEDED."})
public final class JobWaitCommand implements Callable<Integer> {

    private final Session session;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationArgument.class,
            description = "Give up after this long (e.g. 30m); exit 1.")
    Duration timeout;

    JobWaitCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        return awaitEnd(session, id, timeout).state() == JobState.SUCCEEDED ? ExitCode.OK : ExitCode.FAILED;
    }

    /**
     * Polls a job until it finished, one "upc: j42 RUNNING on pc2" line on stderr per change.
     *
     * @param timeout null for as long as it takes
     * @return the finished job
     * @throws CommandFailure when the timeout passed first
     */
    static JobInfo awaitEnd(Session session, String id, Duration timeout) {
        try {
            return session.client().awaitJob(id, job -> job.state().terminal(), timeout,
                    job -> session.say(JobStateLine.of(job)));
        } catch (AwaitTimeoutException e) {
            throw CommandFailure.failed(e.lastSeen().id() + " is still " + e.lastSeen().state() + " after "
                    + RelativeTime.of(e.timeout()));
        }
    }
}
