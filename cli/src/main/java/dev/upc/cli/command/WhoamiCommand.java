package dev.upc.cli.command;

import dev.upc.cli.context.Target;
import dev.upc.cli.render.Cells;
import dev.upc.cli.render.RelativeTime;
import dev.upc.protocol.Identity;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code upc whoami}: who the token speaks for, and until when. */
@Command(name = "whoami", description = "Show who the token speaks for (name, kind, expiry) and where.")
public final class WhoamiCommand implements Callable<Integer> {

    private final Session session;

    @Option(names = "--json", description = "Print the Identity record as JSON.")
    boolean json;

    WhoamiCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        Identity identity = session.client().whoami();
        if (json) {
            session.printJson(identity);
            return ExitCode.OK;
        }
        Target target = session.target();
        String expires = RelativeTime.until(identity.expiresAt(), session.now());
        session.out().println("NAME      " + identity.name());
        session.out().println("KIND      " + identity.kind());
        session.out().println("GROUPS    " + (identity.groups().isEmpty() ? Cells.NONE
                : String.join(", ", identity.groups())));
        session.out().println("EXPIRES   " + expires + (identity.expiresAt() == null ? "" : " (" + identity.expiresAt()
                + ")"));
        session.out().println("SERVER    " + target.server());
        session.out().println("CONTEXT   " + Cells.orNone(target.contextName()));
        return ExitCode.OK;
    }
}
