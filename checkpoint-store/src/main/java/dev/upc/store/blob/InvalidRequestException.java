package dev.upc.store.blob;

/** Bad input from the caller (id, kind, digest, range, prefix): always a 400, never reaches storage. */
public class InvalidRequestException extends BlobStoreException {

    private final String code;

    public InvalidRequestException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
