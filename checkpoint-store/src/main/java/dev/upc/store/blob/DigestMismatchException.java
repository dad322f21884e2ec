package dev.upc.store.blob;

/** The uploaded bytes do not have the sha256 the client announced; nothing was stored. */
public class DigestMismatchException extends BlobStoreException {

    public DigestMismatchException(BlobKey key, String expected, String actual) {
        super("upload of " + key + " has sha256 " + actual + " but " + expected + " was expected; nothing was stored");
    }
}
