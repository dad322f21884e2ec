package dev.upc.protocol;

/** HTTP headers of the checkpoint store's blob API beyond the standard ones (ETag, Range, Content-Range). */
public final class BlobHeaders {

    /**
     * On PUT: the sha256 (64 lowercase or uppercase hex digits) the uploader expects the body to have.
     * A mismatch is rejected with 422 and nothing is stored.
     */
    public static final String EXPECTED_SHA256 = "X-Upc-Sha256";

    /**
     * On PUT: {@code true} when a reader will follow this upload as it arrives ({@link #FOLLOW}), as a migration's
     * target does. The store then writes it through the page cache, so the reader gets the bytes from memory rather
     * than reading back from the disk what direct I/O wrote past the cache.
     */
    public static final String FOLLOWED = "X-Upc-Followed";

    /**
     * On GET, the query parameter {@code follow=true}: while the blob is being uploaded, stream the upload as it
     * arrives (chunked, without ETag or length) and end once it is committed, or cut the connection if the upload
     * fails. The reader checks what it got against the committed blob's HEAD. Without an upload in progress it is
     * an ordinary GET (404 when the blob does not exist yet: try again).
     */
    public static final String FOLLOW = "follow";

    private BlobHeaders() {
    }
}
