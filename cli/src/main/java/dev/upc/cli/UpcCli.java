package dev.upc.cli;

import dev.upc.cli.command.CompletionCommand;
import dev.upc.cli.command.ContextCommand;
import dev.upc.cli.command.ExitCode;
import dev.upc.cli.command.ExitStatus;
import dev.upc.cli.command.ImagesCommand;
import dev.upc.cli.command.JobsCommand;
import dev.upc.cli.command.LoginCommand;
import dev.upc.cli.command.Session;
import dev.upc.cli.command.UsersCommand;
import dev.upc.cli.command.WhoamiCommand;
import dev.upc.cli.command.WorkersCommand;
import dev.upc.cli.context.TargetChoice;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code upc} command: global flags, the command groups, and {@link #run}, which runs one command line in-process
 * against a given {@link Env} and returns its exit code (0 ok, 1 failed, 2 usage, 3 not found or not allowed).
 */
@Command(name = "upc", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true, versionProvider = UpcCli.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Submit, watch and migrate jobs on a UPC cluster of user PCs.",
        footer = {"", "The cluster and token come from the flags, else UPC_SERVER, UPC_TOKEN (or UPC_TOKEN_FILE) and UPC_CA_FILE,",
                "else the current context saved by 'upc login' in $UPC_CONFIG or ~/.config/upc/config.json.",
                "Exit codes: 0 ok, 1 failed, 2 usage, 3 not found or not allowed."})
public final class UpcCli implements Runnable {

    /** The command groups, in the order of the help. */
    static final Map<String, Class<?>> GROUPS = groups();

    /** The global options that take a value, to find the group name behind them. */
    private static final Set<String> GLOBAL_OPTIONS_WITH_VALUE = Set.of("--context", "--server", "--token-file", "--ca-file");

    @Option(names = "--context", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Use this saved context instead of the current one.")
    String context;

    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The scheduler's URL (overrides UPC_SERVER and the context).")
    String server;

    @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Read the token from FILE (overrides UPC_TOKEN and the context).")
    Path tokenFile;

    @Option(names = "--ca-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Trust only the certificates (PEM) of FILE for the cluster's HTTPS, e.g. a lab's own CA "
                    + "(overrides UPC_CA_FILE and the context).")
    Path caFile;

    @Spec
    CommandSpec spec;

    /**
     * Runs one command line. Usage problems print the usage on {@code env.err()}; failures print one line there
     * ("upc: …", with the stack trace when UPC_DEBUG is set); data goes to {@code env.out()}.
     *
     * @return the exit code
     */
    public static int run(String[] args, Env env) {
        UpcCli top = new UpcCli();
        try (Session session = new Session(env, () -> new TargetChoice(top.context, top.server, top.tokenFile, top.caFile))) {
            CommandLine cli = commandLine(top, session, commandWords(args));
            int code = cli.execute(args);
            env.out().flush();
            env.err().flush();
            return code;
        }
    }

    /**
     * The command tree with its handlers and streams. Only the group and the job verb the command line names are
     * built (all of them for help, completion or a mistyped word): picocli builds the model of every command it is
     * given by reflection, which costs more than the rest of a typical run.
     *
     * @param words the command's words, see {@link #commandWords}
     */
    public static CommandLine commandLine(UpcCli top, Session session, List<String> words) {
        Env env = session.env();
        CommandLine cli = new CommandLine(top, new SessionFactory(session));
        String group = words.isEmpty() || !GROUPS.containsKey(words.get(0)) || words.get(0).equals("completion")
                ? null : words.get(0);
        GROUPS.forEach((name, type) -> {
            if (group == null || group.equals(name)) {
                cli.addSubcommand(name, type);
            }
        });
        CommandLine jobs = cli.getSubcommands().get("jobs");
        if (jobs != null) {
            String verb = "jobs".equals(group) && words.size() > 1 && JobsCommand.VERBS.containsKey(words.get(1))
                    ? words.get(1) : null;
            JobsCommand.VERBS.forEach((name, type) -> {
                if (verb == null || verb.equals(name)) {
                    jobs.addSubcommand(name, type);
                }
            });
            CommandLine submit = jobs.getSubcommands().get("submit");
            if (submit != null) {
                // everything after a job's command is its arguments, even "-l" or "--help"
                submit.setStopAtPositional(true);
            }
        }
        cli.setOut(new PrintWriter(env.out(), true));
        cli.setErr(new PrintWriter(env.err(), true));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExitCodeExceptionMapper(failure -> ExitStatus.of(failure, "upc").code());
        cli.setParameterExceptionHandler((problem, args) -> {
            CommandLine failed = problem.getCommandLine();
            env.err().println("upc: " + problem.getMessage());
            failed.usage(env.err());
            return ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((failure, failed, parsed) -> {
            ExitStatus status = ExitStatus.of(failure, failed.getCommandSpec().qualifiedName(" "));
            env.out().flush();
            if (status.message() != null) {
                env.err().println("upc: " + status.message());
            }
            if (env.debug()) {
                failure.printStackTrace(env.err());
            }
            return status.code();
        });
        return cli;
    }

    /**
     * The first two words of the command line that are neither options nor the values of global options: the group
     * and the verb, as far as they are given ({@code upc --server URL jobs list -o x} gives jobs, list).
     */
    static List<String> commandWords(String[] args) {
        List<String> words = new ArrayList<>(2);
        for (int i = 0; i < args.length && words.size() < 2; i++) {
            String arg = args[i];
            if (GLOBAL_OPTIONS_WITH_VALUE.contains(arg)) {
                i++;
            } else if (arg.equals("--")) {
                break;
            } else if (!arg.startsWith("-")) {
                words.add(arg);
            }
        }
        return words;
    }

    private static Map<String, Class<?>> groups() {
        Map<String, Class<?>> groups = new LinkedHashMap<>();
        groups.put("login", LoginCommand.class);
        groups.put("whoami", WhoamiCommand.class);
        groups.put("context", ContextCommand.class);
        groups.put("jobs", JobsCommand.class);
        groups.put("workers", WorkersCommand.class);
        groups.put("images", ImagesCommand.class);
        groups.put("users", UsersCommand.class);
        groups.put("completion", CompletionCommand.class);
        return Collections.unmodifiableMap(groups);
    }

    /** Just {@code upc}: there is nothing to do without a command. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed");
    }

    /** Builds command classes with the run's {@link Session} when they take one. */
    private record SessionFactory(Session session) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                Constructor<K> constructor = type.getDeclaredConstructor(Session.class);
                constructor.setAccessible(true);
                return constructor.newInstance(session);
            } catch (NoSuchMethodException noSession) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    /** The version from the jar's manifest; "dev" when run from classes. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = UpcCli.class.getPackage().getImplementationVersion();
            return new String[] {"upc " + (version == null ? "dev" : version)};
        }
    }
}
