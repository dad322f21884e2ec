package dev.upc.cli.command;

import dev.upc.cli.render.RelativeTime;
import dev.upc.cli.render.UserTable;
import dev.upc.protocol.UserInfo;
import dev.upc.protocol.UserList;
import dev.upc.protocol.UserToken;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code upc users …} (admin): who may submit jobs, and their tokens. */
@Command(name = "users", description = "Add users, mint their tokens, list and revoke them (admins).")
public final class UsersCommand extends CommandGroup {

    private final Session session;

    UsersCommand(Session session) {
        this.session = session;
    }

    @Command(name = "add", description = {"Add a user and print its first token, alone on stdout:",
            "  upc users add alice > alice.token"})
    int add(@Parameters(paramLabel = "NAME", description = "Lowercase letters, digits, _ and -.") String name,
            @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationArgument.class,
                    description = "How long the token works, at most 90d (default: 30d).") Duration ttl,
            @Option(names = "--json", description = "Print the UserToken record.") boolean json) {
        UserToken minted = session.client().addUser(name, ttl);
        print(minted, json, "added user " + minted.user().name());
        return ExitCode.OK;
    }

    @Command(name = "token", description = "Mint another token for a user and print it alone on stdout.")
    int token(@Parameters(paramLabel = "NAME") String name,
              @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationArgument.class,
                      description = "How long the token works, at most 90d (default: 30d).") Duration ttl,
              @Option(names = "--json", description = "Print the UserToken record.") boolean json) {
        UserToken minted = session.client().newToken(name, ttl);
        print(minted, json, "new token for " + minted.user().name());
        return ExitCode.OK;
    }

    @Command(name = "list", description = "List the users, active and revoked.")
    int list(@Option(names = "--json", description = "Print {\"users\":[…],\"nextCursor\":null} (UserList).")
             boolean json) {
        List<UserInfo> users = session.client().users();
        if (json) {
            session.printJson(new UserList(users, null));
        } else if (users.isEmpty()) {
            session.say("no users yet; 'upc users add NAME' adds one");
        } else {
            UserTable.of(users, session.now()).print(session.out());
        }
        return ExitCode.OK;
    }

    @Command(name = "revoke", description = "Revoke a user: all its tokens stop working at once.")
    int revoke(@Parameters(paramLabel = "NAME") String name) {
        UserInfo user = session.client().revokeUser(name);
        session.say("revoked " + user.name() + ": its tokens no longer work");
        return ExitCode.OK;
    }

    private void print(UserToken minted, boolean json, String what) {
        if (json) {
            session.printJson(minted);
        } else {
            session.out().println(minted.token());
        }
        session.say(what + "; the token expires " + RelativeTime.until(minted.expiresAt(), session.now())
                + " and is shown only this once");
    }
}
