package dev.upc.store.blob;

/** The typed failures of a {@link BlobStore}; the REST layer maps each subclass to one status. */
public abstract class BlobStoreException extends RuntimeException {

    protected BlobStoreException(String message) {
        super(message);
    }

    protected BlobStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
