package dev.upc.agent.libpod.uds;

import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.impl.io.ChunkedInputStream;
import org.apache.hc.core5.http.impl.io.ContentLengthInputStream;
import org.apache.hc.core5.http.impl.io.DefaultHttpRequestParser;
import org.apache.hc.core5.http.impl.io.SessionInputBufferImpl;
import java.nio.channels.Channels;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A libpod that does what the test tells it to, for the cases a real one cannot be made to produce
 * (a 500, a stall, a connection cut mid-body, a 1 GiB answer): HTTP/1.1 on a unix socket, one thread
 * per connection, each request answered by the test's handler with raw bytes, then the connection
 * closed. Requests are read with Apache HttpCore's HTTP/1.1 parser and body streams, not the transport's codec nor
 * one of its own, so the client is checked against a well-kept implementation; a malformed request from the client is
 * recorded as a failure and fails {@link #close()}. Answers are raw bytes, so that a test can send what no HTTP
 * library would: a cut body, a broken chunk, a stall.
 */
public final class ScriptedLibpodServer implements AutoCloseable {

    /** Answers one request. The body is decoded (chunked or Content-Length); reading it is optional. */
    @FunctionalInterface
    public interface Handler {
        void answer(Request request, InputStream body, Response response) throws Exception;
    }

    /** A request's head as the server received it; header names in lower case. */
    public record Request(String method, String target, Map<String, String> headers) {

        public String path() {
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Path socket;
    private final ServerSocketChannel listener;
    private final Handler handler;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);

    private ScriptedLibpodServer(Path socket, ServerSocketChannel listener, Handler handler) {
        this.socket = socket;
        this.listener = listener;
        this.handler = handler;
    }

    /** Listens on {@code dir/libpod.sock}. */
    public static ScriptedLibpodServer start(Path dir, Handler handler) throws IOException {
        Path socket = dir.resolve("libpod.sock");
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        ScriptedLibpodServer server = new ScriptedLibpodServer(socket, listener, handler);
        server.spawn("scripted-libpod-accept", server::acceptLoop);
        return server;
    }

    public Path socket() {
        return socket;
    }

    public UdsLibpodTransport transport() {
        return new UdsLibpodTransport(socket);
    }

    /** Connections accepted so far. */
    public int connections() {
        return accepted.get();
    }

    /** Heads of the requests received so far, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Stops listening, cuts every connection, and fails if the client sent malformed HTTP or a handler broke. */
    @Override
    public void close() throws IOException, InterruptedException {
        closing.countDown();
        listener.close();
        for (SocketChannel connection : connections) {
            connection.close();
        }
        for (Thread thread : threads) {
            thread.interrupt();
            thread.join(5_000);
        }
        Files.deleteIfExists(socket);
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("scripted libpod saw a failure: " + failures.get(0), failures.get(0));
            failures.stream().skip(1).forEach(error::addSuppressed);
            throw error;
        }
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            SocketChannel connection;
            try {
                connection = listener.accept();
            } catch (IOException closed) {
                return;
            }
            accepted.incrementAndGet();
            connections.add(connection);
            spawn("scripted-libpod-connection", () -> serve(connection));
        }
    }

    private void serve(SocketChannel connection) {
        try (connection) {
            InputStream in = Channels.newInputStream(connection);
            SessionInputBufferImpl buffer = new SessionInputBufferImpl(64 * 1024);
            Request request = readHead(buffer, in);
            if (request == null) {
                return;
            }
            requests.add(request);
            Response response = new Response(connection, closing);
            handler.answer(request, body(request, buffer, in), response);
        } catch (IOException | InterruptedException peerGoneOrShutdown) {
            // the client closed or timed out, which several tests make it do on purpose
        } catch (Throwable failure) {
            failures.add(failure);
        } finally {
            connections.remove(connection);
        }
    }

    private void spawn(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    /**
     * The request's head, parsed by HttpCore's HTTP/1.1 parser; null when the client closed before sending one. What
     * the parser lets pass but a client must not send (a header twice) is a failure of the client.
     */
    private static Request readHead(SessionInputBufferImpl buffer, InputStream in) throws IOException {
        ClassicHttpRequest head;
        try {
            head = new DefaultHttpRequestParser().parse(buffer, in);
        } catch (HttpException e) {
            throw new IllegalStateException("malformed request: " + e.getMessage(), e);
        }
        if (head == null) {
            return null;
        }
        if (!head.getVersion().equals(HttpVersion.HTTP_1_1) || !head.getRequestUri().startsWith("/")) {
            throw new IllegalStateException("not an HTTP/1.1 request for a path: " + head);
        }
        Map<String, String> headers = new HashMap<>();
        for (Header header : head.getHeaders()) {
            String name = header.getName().toLowerCase(Locale.ROOT);
            if (headers.put(name, header.getValue()) != null) {
                throw new IllegalStateException("request header sent twice: " + name);
            }
        }
        return new Request(head.getMethod(), head.getRequestUri(), Map.copyOf(headers));
    }

    /** The request's body, framed by HttpCore's chunked or length-delimited streams. */
    private static InputStream body(Request request, SessionInputBufferImpl buffer, InputStream in) {
        String encoding = request.header("transfer-encoding");
        String length = request.header("content-length");
        if (encoding != null && length != null) {
            throw new IllegalStateException("request has both Transfer-Encoding and Content-Length");
        }
        if (encoding != null) {
            if (!encoding.equals("chunked")) {
                throw new IllegalStateException("unexpected Transfer-Encoding: " + encoding);
            }
            return new ChunkedInputStream(buffer, in);
        }
        return length == null ? InputStream.nullInputStream()
                : new ContentLengthInputStream(buffer, in, Long.parseLong(length));
    }

    /** What a handler writes to: unbuffered, straight to the connection. */
    public static final class Response extends OutputStream {

        private static final byte[] CRLF = {'\r', '\n'};
        private final SocketChannel connection;
        private final CountDownLatch closing;

        private Response(SocketChannel connection, CountDownLatch closing) {
            this.connection = connection;
            this.closing = closing;
        }

        /** Status line and headers ("Name: value"), then the empty line. */
        public void head(int status, String... headers) throws IOException {
            StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" Scripted\r\n");
            for (String header : headers) {
                head.append(header).append("\r\n");
            }
            ascii(head.append("\r\n").toString());
        }

        /** A whole answer with a JSON body and its Content-Length. */
        public void json(int status, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            head(status, "Content-Type: application/json", "Content-Length: " + body.length);
            write(body);
        }

        public void ascii(String raw) throws IOException {
            write(raw.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** One chunk of a chunked body; a zero length is skipped, as it would end the body. */
        public void chunk(byte[] bytes, int offset, int length) throws IOException {
            if (length > 0) {
                ascii(Integer.toHexString(length) + "\r\n");
                write(bytes, offset, length);
                write(CRLF);
            }
        }

        public void lastChunk() throws IOException {
            ascii("0\r\n\r\n");
        }

        /** Never answers (further): returns when the server closes. */
        public void stall() throws InterruptedException {
            closing.await();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            ByteBuffer source = ByteBuffer.wrap(bytes, offset, length);
            while (source.hasRemaining()) {
                connection.write(source);
            }
        }
    }
}
