package dev.upc.cli.context;

import java.nio.file.Path;

/**
 * What the global flags {@code --context}, {@code --server}, {@code --token-file} and {@code --ca-file} asked for;
 * each may be null.
 */
public record TargetChoice(String context, String server, Path tokenFile, Path caFile) {

    public TargetChoice(String context, String server, Path tokenFile) {
        this(context, server, tokenFile, null);
    }

    public static TargetChoice none() {
        return new TargetChoice(null, null, null, null);
    }
}
