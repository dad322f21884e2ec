package dev.upc.protocol;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Body of {@code POST /api/v1/inputs/uploads}: a grant to upload a job's input file. Inputs are stored by content in
 * the caller's name space, so the same file is sent once however many jobs use it.
 *
 * @param sha256    the file's sha256, lowercase hex
 * @param sizeBytes the file's size
 */
public record InputUploadRequest(
        @NotBlank @Pattern(regexp = "[a-f0-9]{64}", message = "64 lowercase hex digits") String sha256,
        @NotNull @Min(0) @Max(JobInput.MAX_SIZE) Long sizeBytes) {
}
