package dev.upc.protocol;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/v1/jobs/{jobId}/migrate} (the body itself is optional).
 *
 * @param targetWorkerId where to move the job; absent = the fastest free compatible worker
 */
public record MigrationRequest(
        @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "letters, digits and ._- only") String targetWorkerId) {
}
