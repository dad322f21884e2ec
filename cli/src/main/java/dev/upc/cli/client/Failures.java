package dev.upc.cli.client;

import com.fasterxml.jackson.core.JacksonException;
import dev.upc.protocol.ErrorResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/** The one place where HTTP statuses and I/O failures become {@link UpcClientException}s, for both transports. */
final class Failures {

    /** An error body longer than this is not kept whole: it is a proxy's page, not an ErrorResponse. */
    private static final int MAX_KEPT_BODY = 4096;

    private Failures() {
    }

    static UpcApiException status(String method, URI uri, int status, byte[] body) {
        ErrorResponse error = null;
        if (body.length > 0 && body[0] == '{') {
            try {
                error = ProtocolJson.MAPPER.readValue(body, ErrorResponse.class);
                if (error.error() == null && error.message() == null) {
                    error = null; // some other JSON object, not an ErrorResponse
                }
            } catch (IOException notAnErrorResponse) {
                // keep the raw body for the message
            }
        }
        String text = new String(body, 0, Math.min(body.length, MAX_KEPT_BODY), StandardCharsets.UTF_8);
        return new UpcApiException(method, uri, status, error, text);
    }

    /** An I/O failure while asking {@code service} at {@code uri}, as one sentence naming the service and its URL. */
    static UpcConnectionException io(Service service, URI uri, IOException e, Duration connectTimeout) {
        String base = base(uri);
        if (e instanceof JacksonException json) {
            return new UpcConnectionException(service, uri, service.label() + " at " + base
                    + " answered with JSON this client cannot read: " + json.getOriginalMessage(), e);
        }
        String why = connectFailure(e, connectTimeout);
        if (why != null) {
            return new UpcConnectionException(service, uri, "cannot reach " + service.label() + " at " + base + ": "
                    + why, e);
        }
        if (e instanceof HttpTimeoutException || e instanceof SocketTimeoutException) {
            return new UpcConnectionException(service, uri, service.label() + " at " + base
                    + " did not answer in time (" + uri.getPath() + ")", e);
        }
        return new UpcConnectionException(service, uri, "the connection to " + service.label() + " at " + base
                + " failed: " + rootMessage(e), e);
    }

    /** Why a connection could not be opened, or null when the failure came later. */
    private static String connectFailure(IOException e, Duration connectTimeout) {
        if (e instanceof HttpConnectTimeoutException
                || (e instanceof SocketTimeoutException && e.getMessage() != null
                && e.getMessage().toLowerCase(Locale.ROOT).contains("connect"))) {
            return "no connection within " + connectTimeout.toSeconds() + " s";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof ConnectException) {
                // the JDK HttpClient's refusal carries no message, only a ClosedChannelException as its cause
                String message = t.getMessage();
                return message == null || message.isBlank() ? "connection refused" : message.toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    static IllegalStateException interrupted(String method, URI uri, InterruptedException e) {
        Thread.currentThread().interrupt();
        return new IllegalStateException("interrupted while waiting for " + method + " " + uri, e);
    }

    static boolean isInterruption(IOException e) {
        return e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)
                && !(e instanceof HttpTimeoutException);
    }

    /** scheme://host:port of a URL: what a user typed as the server, not the path this call used. */
    static String base(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
