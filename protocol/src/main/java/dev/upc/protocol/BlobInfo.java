package dev.upc.protocol;

import java.time.Instant;

/**
 * One stored blob as the checkpoint store reports it (PUT reply, list entry).
 *
 * @param kind      checkpoints, images or outputs
 * @param id        the blob id within its kind
 * @param size      length of the content in bytes
 * @param sha256    lowercase hex sha256 of the content; also the blob's {@code ETag}
 * @param createdAt when the store committed the blob
 */
public record BlobInfo(BlobKind kind, String id, long size, String sha256, Instant createdAt) {
}
