package dev.upc.cli.command;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code upc jobs …}: the group of job verbs, each a class of its own. They are not listed in the annotation: picocli
 * builds by reflection the model of every command it is given, so the command line adds only the verb it names
 * ({@link #VERBS}), which halves the model's cost for the most used group.
 */
@Command(name = "jobs", description = "Submit, list, follow, move and cancel jobs.")
public final class JobsCommand extends CommandGroup {

    /** The verbs in the order of the help. */
    public static final Map<String, Class<?>> VERBS = verbs();

    private static Map<String, Class<?>> verbs() {
        Map<String, Class<?>> verbs = new LinkedHashMap<>();
        verbs.put("submit", JobSubmitCommand.class);
        verbs.put("list", JobListCommand.class);
        verbs.put("show", JobShowCommand.class);
        verbs.put("logs", JobLogsCommand.class);
        verbs.put("output", JobOutputCommand.class);
        verbs.put("wait", JobWaitCommand.class);
        verbs.put("watch", JobWatchCommand.class);
        verbs.put("migrate", JobMigrateCommand.class);
        verbs.put("cancel", JobCancelCommand.class);
        return Collections.unmodifiableMap(verbs);
    }
}
