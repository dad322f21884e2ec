package dev.upc.agent.local;

import dev.upc.agent.json.JsonException;
import dev.upc.agent.json.JsonRecords;
import dev.upc.protocol.ErrorResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * A minimal blocking HTTP/1.1 server on the loopback interface that answers in JSON, one request per connection.
 * <p>Not {@code com.sun.net.httpserver}: its dispatcher wakes every second (a selector timeout) for as long as the
 * agent runs, a good part of the idle agent's CPU, and it loads many classes at start. The local requests are tiny,
 * rare and local, so one daemon thread blocked in {@code accept()} answers them one at a time and does nothing in
 * between. Each connection has a short deadline, so a stuck client holds the next one up for at most that long.
 * Refused requests (malformed, head over 8 KiB, chunked or over 1 KiB of body) get a 4xx {@link ErrorResponse}.
 * <p>Only local programs may talk to it, not web pages: the {@code Host} must be a loopback name (a DNS-rebound name
 * is refused) and a request with an {@code Origin} (a browser's cross-origin {@code fetch}) is refused, before the
 * handler sees anything.
 */
final class LoopbackHttpServer implements AutoCloseable {

    /** Answers one request. May throw: that answers 500. */
    interface Handler {
        Response handle(Request request);
    }

    /**
     * A request that passed the server's checks: {@code path} is the target without its query; {@code authorization}
     * is its {@code Authorization} header, or null.
     */
    record Request(String method, String path, String authorization) {
    }

    /** An answer: {@code body} is written as JSON; {@code allow} is the Allow header of a 405, else null. */
    record Response(int status, Object body, String allow) {

        static Response json(int status, Object body) {
            return new Response(status, body, null);
        }

        static Response error(int status, String error, String message) {
            return json(status, ErrorResponse.of(status, error, message));
        }
    }

    private static final Logger LOG = Logger.getLogger(LoopbackHttpServer.class);
    private static final int MAX_HEAD = 8 * 1024;
    private static final int MAX_BODY = 1024;
    private static final Pattern REQUEST_LINE = Pattern.compile("([A-Z]+) (/[^ ?]*)(\\?\\S*)? HTTP/1\\.[01]");
    /** Names of this host's loopback interface, with an optional port: nothing a DNS name can be rebound to. */
    private static final Pattern LOOPBACK_HOST =
            Pattern.compile("(?i)(127\\.0\\.0\\.1|localhost|\\[::1])(:\\d{1,5})?");

    private final Handler handler;
    private final long timeoutNanos;
    private final ServerSocket server;
    private final Thread thread;
    /** The connection being answered, so that {@link #close()} can cut it short. */
    private volatile Socket connection;

    /** Binds {@code port} on the loopback interface (0: any free port) and starts serving. */
    LoopbackHttpServer(int port, Duration timeout, Handler handler) throws IOException {
        this.handler = handler;
        this.timeoutNanos = timeout.toNanos();
        this.server = new ServerSocket(port, 16, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "upc-local-endpoint:" + server.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warnf("local endpoint: accept failed: %s", e.getMessage());
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // e.g. out of file descriptors: no spin
                }
                continue;
            }
            connection = socket;
            try (socket) {
                if (!server.isClosed()) {
                    exchange(socket, System.nanoTime() + timeoutNanos);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debugf("local endpoint: connection dropped: %s", e);
            } finally {
                connection = null;
            }
        }
    }

    private void exchange(Socket socket, long deadline) throws IOException {
        Request request;
        try {
            request = readRequest(socket, deadline);
        } catch (Rejected e) {
            write(socket, Response.error(e.status, e.error, e.getMessage()), true);
            // The request was not read to its end, and closing with unread input resets the connection, which can
            // lose the answer: half-close, then drop what the client still sends until it closes or time is up.
            socket.shutdownOutput();
            byte[] sink = new byte[1024];
            while (read(socket, sink, 0, sink.length, deadline) >= 0) {
                // discard
            }
            return;
        }
        if (request != null) {
            write(socket, answer(request), !request.method().equals("HEAD"));
        }
    }

    private Response answer(Request request) {
        try {
            return handler.handle(request);
        } catch (RuntimeException e) {
            LOG.warnf(e, "local endpoint: %s %s failed", request.method(), request.path());
            return Response.error(500, "internal_error", String.valueOf(e.getMessage()));
        }
    }

    /** Reads one request head and skips its small body; null when the client closed without a byte. */
    private static Request readRequest(Socket socket, long deadline) throws IOException, Rejected {
        byte[] buffer = new byte[MAX_HEAD];
        int length = 0;
        int end;
        while ((end = headEnd(buffer, length)) < 0) {
            if (length == buffer.length) {
                throw new Rejected(431, "request_too_large", "the request head is over " + MAX_HEAD + " bytes");
            }
            int n = read(socket, buffer, length, buffer.length - length, deadline);
            if (n < 0 && length == 0) {
                return null;
            } else if (n < 0) {
                throw new Rejected(400, "bad_request", "the connection closed inside the request head");
            }
            length += n;
        }
        String[] lines = new String(buffer, 0, end, StandardCharsets.ISO_8859_1).split("\r?\n");
        Matcher requestLine = REQUEST_LINE.matcher(lines.length == 0 ? "" : lines[0]);
        if (!requestLine.matches()) {
            throw new Rejected(400, "bad_request", "malformed request line; expected e.g. GET /status HTTP/1.1");
        }
        long contentLength = 0;
        String host = null;
        String origin = null;
        String authorization = null;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0 || Character.isWhitespace(lines[i].charAt(0))) {
                throw new Rejected(400, "bad_request", "malformed header line: " + lines[i]);
            }
            String name = lines[i].substring(0, colon);
            String value = lines[i].substring(colon + 1).strip();
            if (name.equalsIgnoreCase("Transfer-Encoding")) {
                throw new Rejected(411, "length_required", "send a body with Content-Length, not " + value);
            } else if (name.equalsIgnoreCase("Content-Length") && !value.matches("\\d{1,9}")) {
                throw new Rejected(400, "bad_request", "Content-Length is not a length: " + value);
            } else if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Host")) {
                host = value;
            } else if (name.equalsIgnoreCase("Origin")) {
                origin = value;
            } else if (name.equalsIgnoreCase("Authorization")) {
                authorization = value;
            }
        }
        if (host == null || !LOOPBACK_HOST.matcher(host).matches()) {
            throw new Rejected(403, "host_not_allowed", "this endpoint answers only requests for 127.0.0.1 or"
                    + " localhost (Host: " + (host == null ? "missing" : host) + ")");
        }
        if (origin != null) {
            throw new Rejected(403, "cross_origin_refused", "this endpoint answers local programs, not web pages"
                    + " (Origin: " + origin + ")");
        }
        if (contentLength > MAX_BODY) {
            throw new Rejected(413, "request_too_large", "a request body here is at most " + MAX_BODY + " bytes");
        }
        for (long unread = contentLength - (length - end); unread > 0; ) {
            int n = read(socket, buffer, 0, (int) Math.min(unread, buffer.length), deadline);
            if (n < 0) {
                throw new Rejected(400, "bad_request", "the connection closed inside the request body");
            }
            unread -= n;
        }
        return new Request(requestLine.group(1), requestLine.group(2), authorization);
    }

    /** The index just past the blank line that ends the head (CRLF CRLF, or bare LFs), or -1 if not there yet. */
    private static int headEnd(byte[] buffer, int length) {
        for (int i = 1; i < length; i++) {
            boolean lf = buffer[i] == '\n';
            if (lf && (buffer[i - 1] == '\n' || (i >= 2 && buffer[i - 1] == '\r' && buffer[i - 2] == '\n'))) {
                return i + 1;
            }
        }
        return -1;
    }

    /** A read that fails once the deadline has passed, however slowly the client trickles its bytes. */
    private static int read(Socket socket, byte[] buffer, int offset, int length, long deadline) throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new SocketTimeoutException("the client took too long");
        }
        socket.setSoTimeout((int) left);
        return socket.getInputStream().read(buffer, offset, length);
    }

    /** Writes the answer in one piece: two small writes could wait on Nagle and a delayed ACK. */
    private void write(Socket socket, Response response, boolean withBody) throws IOException {
        byte[] body;
        try {
            body = JsonRecords.writeIndented(response.body());
        } catch (JsonException e) {
            LOG.warnf(e, "local endpoint: cannot write a %d answer", response.status());
            response = Response.error(500, "internal_error", "cannot write the answer: " + e.getMessage());
            body = JsonRecords.writeIndented(response.body());
        }
        String head = "HTTP/1.1 " + response.status() + " " + reason(response.status()) + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + (response.allow() == null ? "" : "Allow: " + response.allow() + "\r\n")
                + "Connection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = Arrays.copyOf(headBytes, headBytes.length + (withBody ? body.length : 0));
        System.arraycopy(body, 0, bytes, headBytes.length, bytes.length - headBytes.length);
        socket.getOutputStream().write(bytes);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "";
        };
    }

    /** Closes the socket, which ends {@code accept()} and the thread; an answer under way is cut short. */
    @Override
    public void close() {
        try {
            server.close();
            Socket current = connection;
            if (current != null) {
                current.close();
            }
            thread.join(TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        } catch (IOException e) {
            LOG.debugf("local endpoint: close: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A request refused before it reached the handler. */
    private static final class Rejected extends Exception {

        final int status;
        final String error;

        Rejected(int status, String error, String message) {
            super(message, null, false, false);
            this.status = status;
            this.error = error;
        }
    }
}
