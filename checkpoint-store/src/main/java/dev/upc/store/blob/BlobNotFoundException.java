package dev.upc.store.blob;

public class BlobNotFoundException extends BlobStoreException {

    public BlobNotFoundException(BlobKey key) {
        super(key + " does not exist");
    }
}
