package dev.upc.protocol;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blob id of a checkpoint archive: {@code <jobId>-<epoch>-<sequence>}, e.g. {@code job-7-3-12} is the 12th
 * checkpoint of job {@code job-7} in its placement epoch 3. The job id may itself contain '-'; the last two
 * decimal segments are epoch and sequence. The store's retention groups checkpoints by the job id this yields
 * (its {@code upc.store.retention.job-id-pattern} defaults to {@link #PATTERN}).
 */
public record CheckpointId(String jobId, long epoch, long sequence) {

    /** Group {@code job} is the job id. */
    public static final Pattern PATTERN = Pattern.compile("(?<job>.+)-(?<epoch>\\d{1,18})-(?<seq>\\d{1,18})");

    public CheckpointId {
        Objects.requireNonNull(jobId, "jobId");
        if (jobId.isEmpty() || epoch < 0 || sequence < 0) {
            throw new IllegalArgumentException("checkpoint id needs a job id and non-negative epoch and sequence");
        }
    }

    public String blobId() {
        return jobId + "-" + epoch + "-" + sequence;
    }

    public static Optional<CheckpointId> parse(String blobId) {
        Matcher m = PATTERN.matcher(blobId);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new CheckpointId(m.group("job"), Long.parseLong(m.group("epoch")),
                Long.parseLong(m.group("seq"))));
    }
}
