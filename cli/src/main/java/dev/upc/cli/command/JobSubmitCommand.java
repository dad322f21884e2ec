package dev.upc.cli.command;

import dev.upc.cli.client.UpcClient;
import dev.upc.cli.render.TransferProgress;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobInput;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code upc jobs submit}: uploads the job's inputs, submits it, and prints its id (or waits for it). */
@Command(name = "submit", sortOptions = false,
        description = {"Submit a job: upload its input files (once per content), then queue it.",
                "Prints the job's id alone on stdout.",
                "Example: upc jobs submit --image localhost/alice/solver:1 --cpus 2 --work 2h --input data.csv \\",
                "           --output /job/out -- solver --in /job/data.csv --out /job/out"})
public final class JobSubmitCommand implements Callable<Integer> {

    static final String DEFAULT_INPUT_DIRECTORY = "/job/";

    private final Session session;

    @Spec
    CommandSpec spec;

    @Option(names = "--image", required = true, paramLabel = "IMAGE",
            description = "The job's image, pushed with 'upc images push' (e.g. localhost/alice/solver:1).")
    String image;

    @Option(names = "--name", paramLabel = "NAME", description = "For humans (default: the command's file name).")
    String name;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1", description = "Cores the job uses (default: 1).")
    int cpus;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "512M", converter = MemoryArgument.class,
            description = "Its memory limit: 512M, 2G, or MiB (default: 512M).")
    long memoryMiB;

    @Option(names = "--disk", paramLabel = "SIZE", converter = MemoryArgument.class,
            description = "The most it may write to its own file system: 512M, 20G, or MiB (default: 1G); only PCs"
                    + " lending a job that much take it, and a job writing more is stopped.")
    Long diskMiB;

    @Option(names = "--work", paramLabel = "DURATION", converter = DurationArgument.class,
            description = "CPU time it needs on the reference CPU, e.g. 2h (default: unknown); the scheduler "
                    + "places and moves jobs by it, and progress is shown against it.")
    Duration work;

    @Option(names = "--checkpoint-every", paramLabel = "DURATION", converter = DurationArgument.class,
            description = "Checkpoint it this often, at least 30s (default: never; it is still checkpointed to move).")
    Duration checkpointEvery;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "An environment variable for the job; repeatable.")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--input", paramLabel = "FILE[:PATH]",
            description = "Copy FILE into the job at PATH (default: /job/<file name>) before it starts; repeatable.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--output", paramLabel = "PATH",
            description = "A path in the container whose content is the job's output ('upc jobs output').")
    String outputPath;

    @Option(names = "--no-migrate", description = "Never checkpoint or move it; it restarts from scratch if its PC goes.")
    boolean noMigrate;

    @Option(names = "--max-retries", paramLabel = "N",
            description = "Restarts after a lost PC or a failed exit, 0 to 20 (default: 3).")
    Integer maxRetries;

    @Option(names = "--wait", description = "Then wait for it to finish; exit 0 only if it SUCCEEDED.")
    boolean await;

    @Option(names = "--json", description = "Print the JobInfo record instead of the id (with --wait: once finished).")
    boolean json;

    @Parameters(paramLabel = "CMD", arity = "1..*",
            description = "The job's command and its arguments (put -- before it if it has options).")
    List<String> command;

    JobSubmitCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        List<InputFile> files = inputFiles();
        JobSubmission submission = submission(List.of());
        UpcClient client = session.client();
        List<JobInput> uploaded = new ArrayList<>();
        for (InputFile file : files) {
            TransferProgress progress = new TransferProgress(session.err(), session.env().stderrTerminal(),
                    "uploading", file.local().getFileName().toString());
            uploaded.add(client.uploadInput(file.local(), file.containerPath(), progress));
            progress.finish();
        }
        JobInfo job = client.submit(submission.withInputs(uploaded));
        if (!await) {
            if (json) {
                session.printJson(job);
            } else {
                session.out().println(job.id());
            }
            return ExitCode.OK;
        }
        if (!json) {
            session.out().println(job.id());
            session.out().flush();
        }
        JobInfo finished = JobWaitCommand.awaitEnd(session, job.id(), null);
        if (json) {
            session.printJson(finished);
        }
        return finished.state() == JobState.SUCCEEDED ? ExitCode.OK : ExitCode.FAILED;
    }

    /** The submission as the flags describe it, checked here where a mistake can still be named by its flag. */
    JobSubmission submission(List<JobInput> uploaded) {
        if (cpus < 1 || cpus > 64) {
            throw usage("--cpus must be between 1 and 64, not " + cpus);
        }
        if (memoryMiB < 16) {
            throw usage("--memory must be at least 16M");
        }
        long checkpointSeconds = checkpointEvery == null ? 0 : checkpointEvery.toSeconds();
        if (checkpointSeconds != 0 && (checkpointSeconds < 30 || checkpointSeconds > 86_400)) {
            throw usage("--checkpoint-every must be between 30s and 1d");
        }
        if (work != null && work.isZero()) {
            throw usage("--work must be more than 0s");
        }
        if (maxRetries != null && (maxRetries < 0 || maxRetries > 20)) {
            throw usage("--max-retries must be between 0 and 20, not " + maxRetries);
        }
        if (outputPath != null && !outputPath.startsWith("/")) {
            throw usage("--output must be an absolute path in the container, not " + outputPath);
        }
        return new JobSubmission(name != null ? name : defaultName(command.get(0)), image, command, env, cpus,
                memoryMiB, work == null ? null : (double) work.toSeconds(), checkpointSeconds, !noMigrate,
                maxRetries, outputPath, uploaded, diskMiB);
    }

    private List<InputFile> inputFiles() {
        List<InputFile> files = new ArrayList<>();
        for (String spec : inputs) {
            InputFile file = InputFile.parse(spec);
            if (!Files.isRegularFile(file.local())) {
                throw usage("--input " + spec + ": " + file.local() + (Files.exists(file.local())
                        ? " is not a regular file" : " does not exist"));
            }
            if (!Files.isReadable(file.local())) {
                throw usage("--input " + spec + ": " + file.local() + " is not readable");
            }
            if (!file.containerPath().startsWith("/")) {
                throw usage("--input " + spec + ": the path in the container must be absolute");
            }
            files.add(file);
        }
        return files;
    }

    /** The command's file name, as a valid job name (letters, digits and ._-, at most 63). */
    static String defaultName(String executable) {
        String base = executable.substring(executable.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "-")
                .replaceFirst("^[^A-Za-z0-9]+", "");
        if (base.length() > 63) {
            base = base.substring(0, 63);
        }
        return base.isEmpty() ? "job" : base;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** One {@code --input FILE[:PATH]}: the local file and where the job sees it. */
    record InputFile(Path local, String containerPath) {

        /** Splits at ":/", so a local name may contain ":" as long as the container path follows it. */
        static InputFile parse(String spec) {
            int split = spec.indexOf(":/");
            if (split > 0) {
                return new InputFile(Path.of(spec.substring(0, split)), spec.substring(split + 1));
            }
            Path local = Path.of(spec);
            return new InputFile(local, DEFAULT_INPUT_DIRECTORY + local.getFileName());
        }
    }
}
