package dev.upc.protocol;

/** HTTP headers of the checkpoint store's blob API beyond the standard ones (ETag, Range, Content-Range). */
public final class BlobHeaders {

    /**
     * On PUT: the sha256 (64 lowercase or uppercase hex digits) the uploader expects the body to have.
     * A mismatch is rejected with 422 and nothing is stored.
     */
    public static final String EXPECTED_SHA256 = "X-Upc-Sha256";

    private BlobHeaders() {
    }
}
