package dev.upc.cli.client;

/** Anything that went wrong talking to a UPC cluster; the subclasses say what. */
public abstract sealed class UpcClientException extends RuntimeException
        permits UpcApiException, UpcConnectionException, WorkerNameException, AwaitTimeoutException {

    UpcClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
