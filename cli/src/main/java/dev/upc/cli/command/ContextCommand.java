package dev.upc.cli.command;

import dev.upc.cli.context.Context;
import dev.upc.cli.context.ContextConfig;
import dev.upc.cli.context.ContextStore;
import dev.upc.cli.render.Cells;
import dev.upc.cli.render.Table;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code upc context list|use}: the saved contexts, and which one is current. */
@Command(name = "context", description = "List the saved contexts or choose the current one.")
public final class ContextCommand extends CommandGroup {

    private final Session session;

    ContextCommand(Session session) {
        this.session = session;
    }

    @Command(name = "list", description = "List the saved contexts; * marks the current one. Tokens are never shown.")
    int list() {
        ContextConfig config = session.contexts().load();
        Table table = Table.withColumns("CURRENT", "NAME", "SERVER", "TOKEN");
        for (Map.Entry<String, Context> entry : config.contexts().entrySet()) {
            Context context = entry.getValue();
            table.row(entry.getKey().equals(config.current()) ? "*" : "", entry.getKey(), Cells.orNone(context.server()),
                    context.tokenFile() != null ? "file " + context.tokenFile()
                            : context.token() != null ? "saved" : Cells.NONE);
        }
        if (table.isEmpty()) {
            session.say("no saved contexts in " + session.contexts().file() + "; 'upc login' saves one");
            return ExitCode.OK;
        }
        table.print(session.out());
        return ExitCode.OK;
    }

    @Command(name = "use", description = "Make NAME the current context.")
    int use(@Parameters(paramLabel = "NAME", description = "A context saved by 'upc login'.") String name) {
        ContextStore store = session.contexts();
        ContextConfig config = store.load();
        if (!config.contexts().containsKey(name)) {
            throw CommandFailure.missing("no context named " + name + " in " + store.file()
                    + " ('upc context list' shows them)");
        }
        store.save(config.withCurrent(name));
        session.say("now using context '" + name + "' (" + config.contexts().get(name).server() + ")");
        return ExitCode.OK;
    }
}
