package dev.upc.registry.service;

/** Registration without the cluster join token, or with a wrong one. */
public class InvalidJoinTokenException extends RuntimeException {

    public InvalidJoinTokenException(String message) {
        super(message);
    }
}
