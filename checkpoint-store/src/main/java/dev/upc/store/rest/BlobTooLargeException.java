package dev.upc.store.rest;

/** An upload larger than its kind may be ({@code upc.store.max-blob-size}): 413, nothing stored. */
final class BlobTooLargeException extends RuntimeException {

    BlobTooLargeException(String message) {
        super(message);
    }
}
