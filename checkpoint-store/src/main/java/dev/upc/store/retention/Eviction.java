package dev.upc.store.retention;

import dev.upc.protocol.BlobInfo;

/** One blob the retention rules remove, and which rule removes it. */
public record Eviction(BlobInfo blob, Reason reason) {

    public enum Reason {
        /** More than keep-per-job newer checkpoints of the same job exist. */
        SUPERSEDED,
        /** Older than the max-age of its kind. */
        EXPIRED,
        /** The store is over its size budget and this was among the oldest checkpoints. */
        OVER_BUDGET
    }
}
