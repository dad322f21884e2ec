package dev.upc.servicehttp;

/** A {@code cursor} parameter that is not one the list handed out (garbled, cut, made up): 400 {@code invalid_cursor}. */
public class InvalidCursorException extends RuntimeException {

    public InvalidCursorException(String message) {
        super(message + "; pass the nextCursor of the previous page, or none for the first page");
    }
}
