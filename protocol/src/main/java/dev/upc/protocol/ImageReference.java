package dev.upc.protocol;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Body of {@code POST /api/v1/images/uploads} (a grant to upload the image's archive) and of
 * {@code POST /api/v1/images} (record it once uploaded). A user may push only into its own name space: the first path
 * component after the registry host is the user's name ({@code localhost/alice/solver:1}); admins may push any name.
 * Images are immutable: a name once pushed keeps its content, since checkpoints restore only onto the same image.
 *
 * @param reference the image reference, e.g. {@code localhost/alice/solver:1}
 */
public record ImageReference(
        @NotBlank @Size(max = 255) @Pattern(regexp = JobSubmission.IMAGE_REFERENCE, message = "must be an OCI image reference, e.g. localhost/alice/solver:1")
        String reference) {
}
