package dev.upc.cli.context;

import dev.upc.cli.client.TokenSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Decides which cluster and token a command uses. Each setting is taken from the first place that has it: the flags
 * ({@code --server}, {@code --token-file}), then the environment ({@code UPC_SERVER}; {@code UPC_TOKEN}, then
 * {@code UPC_TOKEN_FILE}; {@code UPC_CA_FILE}), then the context ({@code --context NAME}, else the current one).
 */
public final class TargetResolver {

    public static final String SERVER_VARIABLE = "UPC_SERVER";
    public static final String TOKEN_VARIABLE = "UPC_TOKEN";
    public static final String TOKEN_FILE_VARIABLE = "UPC_TOKEN_FILE";
    public static final String CA_FILE_VARIABLE = "UPC_CA_FILE";

    private final Map<String, String> environment;
    private final ContextStore store;

    public TargetResolver(Map<String, String> environment, ContextStore store) {
        this.environment = environment;
        this.store = store;
    }

    public Target resolve(TargetChoice choice) {
        String contextName = null;
        Context context = null;
        if (choice.context() != null || needsContext(choice)) {
            ContextConfig config = store.load();
            contextName = choice.context() != null ? choice.context() : config.current();
            if (contextName != null) {
                context = config.contexts().get(contextName);
                if (context == null) {
                    throw new ConfigException("no context named " + contextName + " in " + store.file()
                            + " ('upc context list' shows them)", choice.context() != null);
                }
            }
        }
        String server = first(choice.server(), environment.get(SERVER_VARIABLE),
                context == null ? null : context.server());
        if (server == null) {
            throw new ConfigException("no server given: log in with 'upc login --server URL --token-file FILE', "
                    + "or set " + SERVER_VARIABLE + " and " + TOKEN_VARIABLE);
        }
        String caFile = first(choice.caFile() == null ? null : choice.caFile().toString(),
                environment.get(CA_FILE_VARIABLE), context == null ? null : context.caFile());
        return new Target(serverUrl(server), token(choice, context), context == null ? null : contextName,
                caFile == null ? null : Path.of(caFile));
    }

    /** Whether flags and environment leave a setting open that a saved context must fill. */
    private boolean needsContext(TargetChoice choice) {
        boolean server = choice.server() != null || present(SERVER_VARIABLE);
        boolean token = choice.tokenFile() != null || present(TOKEN_VARIABLE) || present(TOKEN_FILE_VARIABLE);
        return !(server && token);
    }

    private TokenSource token(TargetChoice choice, Context context) {
        if (choice.tokenFile() != null) {
            return TokenSource.file(choice.tokenFile());
        }
        if (present(TOKEN_VARIABLE)) {
            return TokenSource.of(environment.get(TOKEN_VARIABLE));
        }
        if (present(TOKEN_FILE_VARIABLE)) {
            return TokenSource.file(Path.of(environment.get(TOKEN_FILE_VARIABLE)));
        }
        if (context != null && context.token() != null) {
            return TokenSource.of(context.token());
        }
        if (context != null && context.tokenFile() != null) {
            return TokenSource.file(Path.of(context.tokenFile()));
        }
        throw new ConfigException("no token given: use --token-file FILE, set " + TOKEN_VARIABLE + " or "
                + TOKEN_FILE_VARIABLE + ", or log in with 'upc login'");
    }

    /** The scheduler's URL, checked here so a typo is named as such rather than as an unreachable host. */
    public static URI serverUrl(String server) {
        try {
            URI uri = new URI(server.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException("the server must be an http:// or https:// URL with a host, not " + server);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException("the server is not a URL: " + server + " (" + e.getReason() + ")");
        }
    }

    private boolean present(String variable) {
        String value = environment.get(variable);
        return value != null && !value.isBlank();
    }

    private static String first(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }
}
