package dev.upc.protocol;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/v1/agents/{workerId}/blob-tokens}: an agent asks the scheduler for a short-lived store
 * capability beyond those its commands carry. The scheduler grants only what the worker's own jobs need:
 * <ul>
 *   <li>{@code images/<ImageArchive.blobId(image)>}, read — the image of a job placed on this worker;</li>
 *   <li>{@code outputs/<JobOutput.blobId(jobId, epoch)>}, write — the output of a job running on this worker in that
 *       epoch;</li>
 *   <li>{@code inputs/<JobInput.blobId>}, read — an input of a job placed on this worker.</li>
 * </ul>
 * Anything else is 403.
 *
 * @param kind      the blob's kind
 * @param id        the blob's id
 * @param operation {@value BlobCapability#READ} or {@value BlobCapability#WRITE}
 */
public record BlobTokenRequest(
        @NotNull BlobKind kind,
        @NotBlank @Size(max = 128) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]*", message = "letters, digits and ._- only") String id,
        @NotBlank @Pattern(regexp = "read|write", message = "read or write") String operation) {
}
