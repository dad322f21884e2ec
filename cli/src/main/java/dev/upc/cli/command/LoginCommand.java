package dev.upc.cli.command;

import dev.upc.cli.client.Endpoint;
import dev.upc.cli.client.TokenSource;
import dev.upc.cli.client.Transport;
import dev.upc.cli.client.UpcClient;
import dev.upc.cli.context.Context;
import dev.upc.cli.context.ContextStore;
import dev.upc.cli.context.TargetChoice;
import dev.upc.cli.context.TargetResolver;
import dev.upc.cli.render.RelativeTime;
import dev.upc.protocol.Identity;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code upc login}: checks a token against a cluster, then saves both as a context and makes it current. */
@Command(name = "login", sortOptions = false,
        description = {"Check a token against a cluster and save both as a context (the current one from now on).",
                "Give --server, and --token or --token-file; --context NAME names the context (default: default).",
                "A token file is saved as a path and read at every use, so a rotated file is picked up;",
                "so is --ca-file, the certificates (PEM) the cluster's HTTPS must chain to."})
public final class LoginCommand implements Callable<Integer> {

    public static final String DEFAULT_CONTEXT = "default";

    private final Session session;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The token itself; it is kept in the contexts file (mode 0600).")
    String token;

    @Spec
    CommandSpec spec;

    LoginCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        TargetChoice choice = session.choice();
        if (choice.server() == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "login needs --server URL");
        }
        if ((token == null) == (choice.tokenFile() == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "login needs one of --token TOKEN and --token-file FILE");
        }
        URI server = TargetResolver.serverUrl(choice.server());
        Path tokenFile = choice.tokenFile() == null ? null : choice.tokenFile().toAbsolutePath().normalize();
        TokenSource source = token != null ? TokenSource.of(token) : TokenSource.file(tokenFile);
        Identity identity;
        Path caFile = choice.caFile() == null ? null : choice.caFile().toAbsolutePath().normalize();
        try (UpcClient client = new UpcClient(new Endpoint(server, source, Endpoint.DEFAULT_CONNECT_TIMEOUT,
                Session.tls(caFile)), Transport.URL_CONNECTION)) {
            identity = client.whoami();
        }
        String name = choice.context() != null ? choice.context() : DEFAULT_CONTEXT;
        String ca = caFile == null ? null : caFile.toString();
        Context context = token != null ? new Context(server.toString(), token.strip(), null, ca)
                : new Context(server.toString(), null, tokenFile.toString(), ca);
        ContextStore store = session.contexts();
        store.save(store.load().withCurrent(name, context));
        session.say("logged in to " + server + " as " + identity.name() + " (" + identity.kind() + ", token expires "
                + RelativeTime.until(identity.expiresAt(), session.now()) + "); saved as context '" + name + "' in "
                + store.file());
        return ExitCode.OK;
    }
}
