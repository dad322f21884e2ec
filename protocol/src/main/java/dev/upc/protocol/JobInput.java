package dev.upc.protocol;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * One input file of a job: jobs have no network and no host mounts, so the agent copies each input from the store
 * (kind {@code inputs}) into the container before it starts. Upload it first with a grant from
 * {@code POST /api/v1/inputs/uploads}.
 *
 * @param path      where it goes in the container: an absolute path without {@code ..}
 * @param sha256    its content's sha256 (lowercase hex): which uploaded file this is
 * @param sizeBytes its size
 * @param mode      its permission bits (e.g. {@code 0644} = 420, {@code 0755} = 493); absent = 0644
 * @param blobId    set by the scheduler at submission (what a client sends is ignored): the blob in the store
 */
public record JobInput(
        @NotBlank @Size(max = 1024) @Pattern(regexp = PLAIN_FILE_PATH, message = "must be an absolute path to a file: no '.' or '..' segments, no empty segments, not ending in '/'") String path,
        @NotBlank @Pattern(regexp = "[a-f0-9]{64}", message = "64 lowercase hex digits") String sha256,
        @NotNull @Min(0) @Max(MAX_SIZE) Long sizeBytes,
        @Min(0) @Max(511) Integer mode,
        @Size(max = 128) String blobId) {

    /** The largest input file: 16 GiB. */
    public static final long MAX_SIZE = 16L << 30;
    public static final int DEFAULT_MODE = 0644;
    /** An absolute file path that cannot escape or name a directory: no {@code .}/{@code ..} or empty segments. */
    public static final String PLAIN_FILE_PATH = "(?!.*/\\.{1,2}(/|$))(/[^/\\x00]+)+";

    public JobInput {
        mode = mode == null ? DEFAULT_MODE : mode;
    }

    /** The blob of an input in the store: content-addressed within its owner's name space. */
    public static String blobId(String owner, String sha256) {
        return owner + "-" + sha256;
    }

    /** Whether {@link #path} is an absolute file path that cannot escape ({@link #PLAIN_FILE_PATH}). */
    public boolean hasPlainPath() {
        return path != null && path.matches(PLAIN_FILE_PATH);
    }

    public JobInput withBlobId(String id) {
        return new JobInput(path, sha256, sizeBytes, mode, id);
    }
}
