package dev.upc.cli.context;

import java.util.Map;
import java.util.TreeMap;

/**
 * The saved contexts file ({@code ~/.config/upc/config.json}), kubeconfig-like: named contexts and the current one.
 *
 * @param formatVersion {@value #FORMAT_VERSION}; a newer file is refused rather than half understood
 * @param current       the context used when none is named, or null
 * @param contexts      by name
 */
public record ContextConfig(int formatVersion, String current, Map<String, Context> contexts) {

    public static final int FORMAT_VERSION = 1;

    public ContextConfig {
        contexts = contexts == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(contexts));
    }

    public static ContextConfig empty() {
        return new ContextConfig(FORMAT_VERSION, null, Map.of());
    }

    /** This config with {@code context} saved as {@code name} and made current. */
    public ContextConfig withCurrent(String name, Context context) {
        Map<String, Context> updated = new TreeMap<>(contexts);
        updated.put(name, context);
        return new ContextConfig(FORMAT_VERSION, name, updated);
    }

    public ContextConfig withCurrent(String name) {
        return new ContextConfig(FORMAT_VERSION, name, contexts);
    }
}
