package dev.upc.protocol;

import java.time.Instant;

/**
 * A job image in the store.
 *
 * @param reference the image reference jobs name
 * @param owner     who pushed it
 * @param blobId    its archive in the store (kind images, {@link ImageArchive#blobId})
 * @param sizeBytes the archive's size
 * @param sha256    the archive's sha256
 * @param pushedAt  when it was recorded
 */
public record ImageInfo(String reference, String owner, String blobId, long sizeBytes, String sha256,
                        Instant pushedAt) {
}
