package dev.upc.cli.command;

import dev.upc.cli.client.AwaitTimeoutException;
import dev.upc.cli.render.JobStateLine;
import dev.upc.cli.render.JobTable;
import dev.upc.cli.render.RelativeTime;
import dev.upc.cli.render.TransferProgress;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobState;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upc jobs …}: the job verbs; the larger ones have classes of their own. */
@Command(name = "jobs", description = "Submit, list, follow, move and cancel jobs.",
        subcommands = {JobSubmitCommand.class, JobListCommand.class, JobShowCommand.class, JobLogsCommand.class,
                JobWatchCommand.class})
public final class JobsCommand extends CommandGroup {

    private final Session session;

    JobsCommand(Session session) {
        this.session = session;
    }

    @Command(name = "cancel", description = "Cancel jobs: they stop wherever they are and will not run again.")
    int cancel(@Parameters(paramLabel = "ID", arity = "1..*") List<String> ids) {
        for (String id : ids) {
            session.say("cancelled " + session.client().cancel(id).id());
        }
        return ExitCode.OK;
    }

    @Command(name = "migrate", description = "Move a running job to another PC by checkpoint and restore.")
    int migrate(@Parameters(paramLabel = "ID") String id,
                @Option(names = "--to", paramLabel = "PC",
                        description = "The target PC's name or worker id (default: where the scheduler expects "
                                + "the job to finish earliest).") String target) {
        JobInfo job = session.client().migrate(id, target);
        session.say(job.id() + " is " + job.state() + " from " + JobTable.pc(job)
                + (target == null ? "" : " to " + target) + "; 'upc jobs wait' or 'upc jobs show' follows it");
        return ExitCode.OK;
    }

    @Command(name = "wait", description = {"Wait for a job to finish, telling its state changes on stderr.",
            "Exits 0 only if it SUCCEEDED."})
    int await(@Parameters(paramLabel = "ID") String id,
              @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationArgument.class,
                      description = "Give up after this long (e.g. 30m); exit 1.") Duration timeout) {
        return awaitEnd(session, id, timeout).state() == JobState.SUCCEEDED ? ExitCode.OK : ExitCode.FAILED;
    }

    @Command(name = "output", description = {"Download the tar of a finished job's output path.",
            "To stdout unless -o is given; never to a terminal."})
    int output(@Parameters(paramLabel = "ID") String id,
               @Option(names = {"-o", "--output-file"}, paramLabel = "FILE",
                       description = "Write the tar to FILE (replaced whole once complete).") Path file) {
        if (file == null) {
            if (session.env().stdoutTerminal()) {
                throw new CommandFailure(ExitCode.USAGE, "the output is a tar archive: give -o FILE or pipe it "
                        + "(upc jobs output " + id + " | tar -t)");
            }
            session.client().output(id, new CheckedStdout(session.out()));
            return ExitCode.OK;
        }
        Path target = file.toAbsolutePath();
        Path partial = target.resolveSibling("." + target.getFileName() + ".part");
        TransferProgress progress = new TransferProgress(session.err(), session.env().stderrTerminal(),
                "downloading", file.getFileName().toString());
        try (OutputStream out = Files.newOutputStream(partial)) {
            session.client().output(id, out, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + partial + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
        progress.finish();
        try {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return ExitCode.OK;
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

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover .part file is harmless and named as such
        }
    }

    /**
     * Stdout for binary data: a PrintStream swallows write errors, which would turn a closed pipe ({@code | head})
     * into a download that runs to its end into nothing.
     */
    private static final class CheckedStdout extends OutputStream {
        private final PrintStream out;

        CheckedStdout(PrintStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            check();
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            check();
        }

        @Override
        public void flush() throws IOException {
            out.flush();
            check();
        }

        private void check() throws IOException {
            if (out.checkError()) {
                throw new IOException("stdout was closed");
            }
        }
    }
}
