package dev.upc.protocol;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Optional;

/** What a stored blob holds; the lowercase name is its path segment in {@code /api/v1/blobs/{kind}}. */
public enum BlobKind {
    CHECKPOINTS("checkpoints"),
    IMAGES("images"),
    OUTPUTS("outputs"),
    /** jobs' input files, by content in their owner's name space ({@link JobInput#blobId}) */
    INPUTS("inputs");

    private final String pathSegment;

    BlobKind(String pathSegment) {
        this.pathSegment = pathSegment;
    }

    @JsonValue
    public String pathSegment() {
        return pathSegment;
    }

    public static Optional<BlobKind> fromPathSegment(String segment) {
        for (BlobKind kind : values()) {
            if (kind.pathSegment.equals(segment)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
