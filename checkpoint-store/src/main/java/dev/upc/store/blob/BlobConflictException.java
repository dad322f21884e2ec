package dev.upc.store.blob;

/** A different content was put under an id that already holds a blob; blobs are immutable. */
public class BlobConflictException extends BlobStoreException {

    public BlobConflictException(BlobKey key, String existingSha256, String uploadedSha256) {
        super(key + " already exists with sha256 " + existingSha256 + "; the upload had sha256 " + uploadedSha256
                + " (blobs are immutable: delete it first or use a new id)");
    }
}
