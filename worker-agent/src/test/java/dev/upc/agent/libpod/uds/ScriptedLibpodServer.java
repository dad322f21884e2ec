package dev.upc.agent.libpod.uds;

import java.io.EOFException;
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
 * closed. Its HTTP parsing is its own, not the transport's, so the two cannot share a mistake; a
 * malformed request from the client is recorded as a failure and fails {@link #close()}.
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
            ConnectionInput in = new ConnectionInput(connection);
            Request request = readHead(in);
            if (request == null) {
                return;
            }
            requests.add(request);
            Response response = new Response(connection, closing);
            handler.answer(request, body(request, in), response);
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

    private static Request readHead(ConnectionInput in) throws IOException {
        String requestLine = in.readLine();
        if (requestLine == null) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].equals("HTTP/1.1") || !parts[1].startsWith("/")) {
            throw new IllegalStateException("malformed request line: " + requestLine);
        }
        Map<String, String> headers = new HashMap<>();
        for (String line = in.readLine(); ; line = in.readLine()) {
            if (line == null) {
                throw new EOFException("client closed inside the request head");
            }
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException("malformed request header: " + line);
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (headers.put(name, line.substring(colon + 1).trim()) != null) {
                throw new IllegalStateException("request header sent twice: " + name);
            }
        }
        return new Request(parts[0], parts[1], Map.copyOf(headers));
    }

    private static InputStream body(Request request, ConnectionInput in) {
        String encoding = request.header("transfer-encoding");
        String length = request.header("content-length");
        if (encoding != null && length != null) {
            throw new IllegalStateException("request has both Transfer-Encoding and Content-Length");
        }
        if (encoding != null) {
            if (!encoding.equals("chunked")) {
                throw new IllegalStateException("unexpected Transfer-Encoding: " + encoding);
            }
            return new ChunkedBody(in);
        }
        return length == null ? InputStream.nullInputStream() : new FixedBody(in, Long.parseLong(length));
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

    /** Buffered reads from the connection with line access for the head and chunk sizes. */
    private static final class ConnectionInput extends InputStream {

        private final SocketChannel connection;
        private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).flip();

        ConnectionInput(SocketChannel connection) {
            this.connection = connection;
        }

        /** A line without CRLF (a bare LF is a violation), or null at end of stream before any byte. */
        String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                int b = read();
                if (b == -1) {
                    if (line.length() == 0) {
                        return null;
                    }
                    throw new EOFException("client closed in the middle of a line");
                }
                if (b == '\n') {
                    if (line.length() == 0 || line.charAt(line.length() - 1) != '\r') {
                        throw new IllegalStateException("line not ended by CRLF: " + line);
                    }
                    return line.substring(0, line.length() - 1);
                }
                if (line.length() > 16 * 1024) {
                    throw new IllegalStateException("request line or header too long");
                }
                line.append((char) b);
            }
        }

        @Override
        public int read() throws IOException {
            if (!buffer.hasRemaining() && fill() == -1) {
                return -1;
            }
            return buffer.get() & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (!buffer.hasRemaining() && fill() == -1) {
                return -1;
            }
            int n = Math.min(length, buffer.remaining());
            buffer.get(target, offset, n);
            return n;
        }

        private int fill() throws IOException {
            buffer.clear();
            int n;
            do {
                n = connection.read(buffer);
            } while (n == 0);
            buffer.flip();
            return n;
        }
    }

    private static final class FixedBody extends InputStream {

        private final ConnectionInput in;
        private long left;

        FixedBody(ConnectionInput in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(target, offset, (int) Math.min(length, left));
            if (n == -1) {
                throw new EOFException("client closed with " + left + " body bytes missing");
            }
            left -= n;
            return n;
        }
    }

    private static final class ChunkedBody extends InputStream {

        private final ConnectionInput in;
        private long chunkLeft;
        private boolean done;

        ChunkedBody(ConnectionInput in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkLeft == 0) {
                String size = in.readLine();
                if (size == null) {
                    throw new EOFException("client closed before the last chunk");
                }
                chunkLeft = Long.parseLong(size, 16); // the transport sends no chunk extensions
                if (chunkLeft == 0) {
                    expectEmptyLine("after the last chunk");
                    done = true;
                    return -1;
                }
            }
            int n = in.read(target, offset, (int) Math.min(length, chunkLeft));
            if (n == -1) {
                throw new EOFException("client closed inside a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                expectEmptyLine("after a chunk");
            }
            return n;
        }

        private void expectEmptyLine(String where) throws IOException {
            String line = in.readLine();
            if (line == null) {
                throw new EOFException("client closed " + where);
            }
            if (!line.isEmpty()) {
                throw new IllegalStateException("no CRLF " + where + ": " + line);
            }
        }
    }
}
