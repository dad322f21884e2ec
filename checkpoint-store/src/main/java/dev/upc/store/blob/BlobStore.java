package dev.upc.store.blob;

import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Immutable, checksummed blobs by kind and id, in the shape of kubelet's checkpoint manager. Blocking calls:
 * the REST layer runs them on worker threads. A blob is whole or absent: readers never see a partial put.
 */
public interface BlobStore {

    /**
     * Streams {@code content} into the blob {@code key}. Identical content under an existing id is a no-op
     * ({@code created == false}); different content is a {@link BlobConflictException}.
     *
     * @param expectedSha256 lowercase hex; a mismatch is a {@link DigestMismatchException} and stores nothing
     * @throws UploadAbortedException        reading {@code content} failed; nothing was stored
     * @throws InsufficientStorageException  the disk is full; nothing was stored
     */
    default PutResult put(BlobKey key, BlobSource content, Optional<String> expectedSha256) throws IOException {
        return put(key, content, expectedSha256, false);
    }

    /**
     * {@link #put(BlobKey, BlobSource, Optional)}, for an upload a reader will {@link #live follow} when
     * {@code followed}: then written so that its reader reads memory (see {@link LiveUpload}).
     */
    PutResult put(BlobKey key, BlobSource content, Optional<String> expectedSha256, boolean followed)
            throws IOException;

    /** {@link #put(BlobKey, BlobSource, Optional)} of a stream, hashed as it is read. */
    default PutResult put(BlobKey key, InputStream content, Optional<String> expectedSha256) throws IOException {
        return put(key, BlobSource.of(content), expectedSha256);
    }

    /**
     * The blob, checked against its recorded sha256 before it is handed out.
     *
     * @throws BlobNotFoundException  no such blob
     * @throws CorruptBlobException   its bytes no longer match; it is not returned
     */
    Blob get(BlobKey key) throws IOException;

    /**
     * The put of {@code key} in progress, for a reader that follows it to its end (see {@link LiveUpload}); empty
     * when none is under way (the blob may exist, or not).
     */
    Optional<LiveUpload> live(BlobKey key);

    /** Recorded metadata only, without checking the content. */
    Optional<BlobInfo> stat(BlobKey key) throws IOException;

    /** Removes the blob; no error when it is absent. Returns whether it existed. */
    boolean delete(BlobKey key) throws IOException;

    /** The blobs of {@code kind} whose id starts with {@code prefix}, sorted by id. */
    default List<BlobInfo> list(BlobKind kind, String prefix) throws IOException {
        return list(kind, prefix, Optional.empty(), Integer.MAX_VALUE).blobs();
    }

    /**
     * One page of {@link #list(BlobKind, String)}: the first {@code limit} blobs whose ids sort after {@code after}.
     * Ids are a position, not an offset, so blobs put or deleted meanwhile do not shift the pages still to come.
     *
     * @param limit at least 1
     */
    BlobPage list(BlobKind kind, String prefix, Optional<String> after, int limit) throws IOException;

    /** How many blobs of {@code kind} there are, cheaply (for metrics: nothing is read or verified). */
    long count(BlobKind kind) throws IOException;

    /**
     * Removes partial uploads that were last written before {@code lastWrittenBefore}: left by a crash or by an
     * upload whose cleanup failed. Uploads still receiving bytes are newer and stay.
     *
     * @return how many were removed
     */
    int removeAbandonedUploads(Instant lastWrittenBefore) throws IOException;

    record PutResult(BlobInfo info, boolean created) {
    }

    /**
     * @param blobs         the page, sorted by id; a blob found corrupt or deleted while the page was read is left out
     * @param continueAfter the id the next page starts after; empty when no blob follows this page
     */
    record BlobPage(List<BlobInfo> blobs, Optional<String> continueAfter) {

        public BlobPage {
            blobs = List.copyOf(blobs);
        }
    }
}
