package dev.upc.protocol;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/v1/jobs/{jobId}/migrate} (the body itself is optional).
 *
 * @param targetWorkerId where to move the job: a worker id or a PC's name (its hostname, if unique); absent = where
 *                       the scheduler's policy expects the job to finish earliest
 */
public record MigrationRequest(
        @Size(max = 253) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "letters, digits and ._- only") String targetWorkerId) {
}
