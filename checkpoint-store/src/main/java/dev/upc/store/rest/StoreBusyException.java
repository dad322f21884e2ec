package dev.upc.store.rest;

/** Too many uploads are being read or waiting already: the client should try again shortly (503). */
final class StoreBusyException extends RuntimeException {

    StoreBusyException(String message) {
        super(message);
    }
}
