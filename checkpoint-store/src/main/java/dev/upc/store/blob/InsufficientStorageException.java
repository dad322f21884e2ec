package dev.upc.store.blob;

/** The store's disk cannot take the upload; the partial upload was removed and existing blobs are intact. */
public class InsufficientStorageException extends BlobStoreException {

    public InsufficientStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
