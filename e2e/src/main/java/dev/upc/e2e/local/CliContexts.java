package dev.upc.e2e.local;

import dev.upc.cli.context.Context;
import dev.upc.cli.context.ContextConfig;
import dev.upc.cli.context.ContextStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The local cluster's admin context in the {@code upc} command line's config ({@code $UPC_CONFIG} or
 * {@code ~/.config/upc/config.json}), named {@value #NAME}: {@code up} saves it and makes it current (as minikube and
 * kind do with kubeconfig), {@code down} removes it and, if it was current, leaves no current context.
 */
public final class CliContexts implements LocalClusterCommand.Contexts {

    public static final String NAME = "local";

    private final ContextStore store;

    public CliContexts(Map<String, String> environment) {
        this(ContextStore.location(environment));
    }

    public CliContexts(Path configFile) {
        this.store = new ContextStore(configFile);
    }

    @Override
    public String save(URI scheduler, Path adminTokenFile) {
        store.save(store.load().withCurrent(NAME, new Context(scheduler.toString(), null,
                adminTokenFile.toAbsolutePath().toString())));
        return store.file().toString();
    }

    @Override
    public void remove() {
        ContextConfig config = store.load();
        if (!config.contexts().containsKey(NAME)) {
            return;
        }
        Map<String, Context> rest = new TreeMap<>(config.contexts());
        rest.remove(NAME);
        store.save(new ContextConfig(ContextConfig.FORMAT_VERSION,
                NAME.equals(config.current()) ? null : config.current(), rest));
    }
}
