package dev.upc.store.retention;

import dev.upc.protocol.BlobKind;
import dev.upc.store.config.StoreConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What the store keeps: at most {@code keepPerJob} checkpoints per job, no blob of a kind older than its
 * {@code maxAge}, and at most {@code sizeBudgetBytes} in all (evicting checkpoints only: images, outputs and inputs
 * are what jobs need to run or what they made, and go only by age).
 *
 * @param jobIdPattern matches a whole checkpoint id with the job id in group {@code job}
 */
public record RetentionRules(OptionalInt keepPerJob, Pattern jobIdPattern, Map<BlobKind, Duration> maxAge,
                             OptionalLong sizeBudgetBytes) {

    public RetentionRules {
        if (keepPerJob.isPresent() && keepPerJob.getAsInt() < 1) {
            throw new IllegalArgumentException("keep-per-job must be at least 1, was " + keepPerJob.getAsInt());
        }
        if (!jobIdPattern.pattern().contains("(?<job>")) {
            throw new IllegalArgumentException("job-id-pattern needs a named group 'job': " + jobIdPattern);
        }
        maxAge = maxAge.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(maxAge));
    }

    public static RetentionRules from(StoreConfig.Retention config) {
        Map<BlobKind, Duration> maxAge = new EnumMap<>(BlobKind.class);
        config.maxAge().forEach((segment, age) -> maxAge.put(BlobKind.fromPathSegment(segment).orElseThrow(() ->
                new IllegalArgumentException("upc.store.retention.max-age." + segment
                        + ": not a blob kind (" + Arrays.stream(BlobKind.values()).map(BlobKind::pathSegment)
                        .collect(Collectors.joining(", ")) + ")")), age));
        return new RetentionRules(config.keepPerJob(), Pattern.compile(config.jobIdPattern()), maxAge,
                config.sizeBudget().map(size -> OptionalLong.of(size.asLongValue())).orElse(OptionalLong.empty()));
    }

    /** The job a checkpoint id belongs to, if the id follows the naming rule. */
    Optional<String> jobOf(String checkpointId) {
        Matcher m = jobIdPattern.matcher(checkpointId);
        return m.matches() ? Optional.of(m.group("job")) : Optional.empty();
    }
}
