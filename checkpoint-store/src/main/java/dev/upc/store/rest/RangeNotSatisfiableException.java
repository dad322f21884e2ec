package dev.upc.store.rest;

/** The requested range selects no byte of the blob: 416 with {@code Content-Range: bytes *}{@code /size}. */
class RangeNotSatisfiableException extends RuntimeException {

    private final long size;

    RangeNotSatisfiableException(long size) {
        super("the requested range is outside the blob's " + size + " bytes");
        this.size = size;
    }

    long size() {
        return size;
    }
}
