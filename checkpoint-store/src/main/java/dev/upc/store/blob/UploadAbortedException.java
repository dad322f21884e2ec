package dev.upc.store.blob;

/** The client went away (or stalled) mid-body; the partial upload was removed. */
public class UploadAbortedException extends BlobStoreException {

    public UploadAbortedException(String message, Throwable cause) {
        super(message, cause);
    }
}
