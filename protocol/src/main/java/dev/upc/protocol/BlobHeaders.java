package dev.upc.protocol;

/** HTTP headers of the checkpoint store's blob API beyond the standard ones (ETag, Range, Content-Range). */
public final class BlobHeaders {

    /**
     * On PUT: the sha256 (64 lowercase or uppercase hex digits) the uploader expects the body to have.
     * A mismatch is rejected with 422 and nothing is stored.
     */
    public static final String EXPECTED_SHA256 = "X-Upc-Sha256";

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
