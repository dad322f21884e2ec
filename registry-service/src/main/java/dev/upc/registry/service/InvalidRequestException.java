package dev.upc.registry.service;

/** A request whose fields are each valid but do not fit together (e.g. more lent CPUs than cores). */
public class InvalidRequestException extends RuntimeException {

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
