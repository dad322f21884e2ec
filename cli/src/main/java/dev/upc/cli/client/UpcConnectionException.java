package dev.upc.cli.client;

import java.net.URI;

/**
 * A service could not be reached (refused, timed out, unknown host) or the connection broke mid-answer. The message
 * names the service and its URL: "cannot reach the scheduler at http://…: connection refused".
 */
public final class UpcConnectionException extends UpcClientException {

    private final Service service;
    private final URI uri;

    public UpcConnectionException(Service service, URI uri, String message, Throwable cause) {
        super(message, cause);
        this.service = service;
        this.uri = uri;
    }

    public Service service() {
        return service;
    }

    public URI uri() {
        return uri;
    }
}
