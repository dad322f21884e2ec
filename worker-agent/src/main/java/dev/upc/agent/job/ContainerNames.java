package dev.upc.agent.job;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Job and epoch from a container name {@code upc-<jobId>-<epoch>} (the job id may contain '-'). */
public record ContainerNames(String jobId, long epoch) {

    private static final Pattern NAME = Pattern.compile("upc-(?<job>.+)-(?<epoch>\\d{1,18})");

    public static Optional<ContainerNames> parse(String containerName) {
        String name = containerName.startsWith("/") ? containerName.substring(1) : containerName;
        Matcher m = NAME.matcher(name);
        return m.matches() ? Optional.of(new ContainerNames(m.group("job"), Long.parseLong(m.group("epoch"))))
                : Optional.empty();
    }
}
