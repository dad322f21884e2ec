package dev.upc.protocol;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * A job's container an agent holds suspended for its owner ({@link OwnerReport}).
 *
 * @param jobId the job
 * @param epoch the container's epoch
 * @param since when the agent suspended it
 */
public record SuspendedJob(
        @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "letters, digits and ._- only") String jobId,
        @NotNull @Min(0) Long epoch,
        @NotNull Instant since) {
}
