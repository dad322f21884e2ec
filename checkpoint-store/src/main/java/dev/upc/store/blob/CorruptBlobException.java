package dev.upc.store.blob;

/** The bytes on disk no longer match the recorded sha256 (or the record itself is damaged); never served. */
public class CorruptBlobException extends BlobStoreException {

    private final BlobKey key;

    public CorruptBlobException(BlobKey key, String expected, String actual) {
        super(key + " is corrupt on disk: recorded sha256 " + expected + ", actual " + actual + "; it will not be served");
        this.key = key;
    }

    public CorruptBlobException(BlobKey key, String reason) {
        super(key + " is corrupt on disk: " + reason + "; it will not be served");
        this.key = key;
    }

    public BlobKey key() {
        return key;
    }
}
