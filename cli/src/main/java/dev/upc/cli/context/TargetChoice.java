package dev.upc.cli.context;

import java.nio.file.Path;

/**
 * What the global flags {@code --context}, {@code --server} and {@code --token-file} asked for; each may be null.
 */
public record TargetChoice(String context, String server, Path tokenFile) {

    public static TargetChoice none() {
        return new TargetChoice(null, null, null);
    }
}
