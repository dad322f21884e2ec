package dev.upc.agent.json;

/** Text that is not JSON, or JSON that does not fit the record asked for. */
public final class JsonException extends RuntimeException {

    public JsonException(String message) {
        super(message);
    }

    public JsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
