package dev.upc.agent.libpod.uds;

import dev.upc.agent.libpod.LibpodRequest;
import dev.upc.agent.libpod.LibpodResponse;
import dev.upc.agent.libpod.LibpodTransport;
import dev.upc.agent.libpod.LibpodUnreachableException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 to libpod over its unix socket with the JDK's own unix-domain channels: no JNA, no
 * native transport library, nothing to register for a native image, and nothing to start up.
 * One connection per exchange ({@code Connection: close}); connecting to a local socket costs
 * microseconds and leaves no pool to go stale. Bodies stream in both directions.
 */
public final class UdsLibpodTransport implements LibpodTransport {

    private static final int WRITE_BUFFER = 256 * 1024;

    private final Path socket;

    public UdsLibpodTransport(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    @Override
    public LibpodResponse exchange(LibpodRequest request) throws IOException {
        String operation = request.method() + " " + request.path();
        SocketChannel channel = connect(operation);
        ExchangeWatch watch = new ExchangeWatch(channel);
        try {
            ChannelInput in = new ChannelInput(channel, watch, operation);
            IOException sendFailure = send(request, channel, watch, operation);
            watch.expect("the response to " + operation, request.responseTimeout());
            Head head;
            try {
                head = Head.read(in);
            } catch (IOException | RuntimeException e) {
                if (sendFailure != null) { // the server gave up on our body and closed: report that
                    sendFailure.addSuppressed(e);
                    throw sendFailure;
                }
                throw e;
            }
            watch.expect("the response body of " + operation, request.idleTimeout());
            InputStream body = head.body(in, request.method());
            return new LibpodResponse(head.status, head.headers, body, () -> {
                watch.finish();
                channel.close();
            });
        } catch (IOException | RuntimeException e) {
            watch.finish();
            channel.close();
            throw e;
        }
    }

    private SocketChannel connect(String operation) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (java.net.SocketException | java.nio.file.NoSuchFileException e) {
            channel.close();
            throw new LibpodUnreachableException(operation, "no podman API service answers on " + socket
                    + " (" + e.getMessage() + "); start it with 'systemctl enable --now podman.socket'"
                    + " or 'podman system service --time=0 unix://" + socket + "'", e);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Writes head and body. A failure to write the body to the socket is returned, not thrown: the
     * server may have answered early (e.g. 404 before reading an upload) and that answer says more.
     * A failure of the body's own source (a download found damaged) is thrown: the server still
     * waits for the rest of the body and would never answer.
     */
    private static IOException send(LibpodRequest request, SocketChannel channel, ExchangeWatch watch,
                                    String operation) throws IOException {
        watch.expect("sending " + operation, request.idleTimeout());
        OutputStream out = new BufferedOutputStream(new ChannelOutput(channel, watch, operation), WRITE_BUFFER);
        LibpodRequest.Body body = request.body();
        StringBuilder head = new StringBuilder(256)
                .append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n")
                .append("Host: d\r\nUser-Agent: upc-agent\r\nConnection: close\r\n");
        if (body != null) {
            head.append("Content-Type: ").append(body.contentType()).append("\r\n");
            head.append(body.length() >= 0 ? "Content-Length: " + body.length() : "Transfer-Encoding: chunked")
                    .append("\r\n");
        } else if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            head.append("Content-Length: 0\r\n");
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        if (body == null) {
            out.flush();
            return null;
        }
        ChunkedOutput chunked = body.length() >= 0 ? null : new ChunkedOutput(out);
        BodyOutput bodyOut = new BodyOutput(chunked == null ? out : new BufferedOutputStream(chunked, WRITE_BUFFER),
                watch);
        try {
            body.writeTo(bodyOut);
            bodyOut.flush();
        } catch (IOException e) {
            if (!channel.isOpen() || !bodyOut.socketFailed) {
                throw e;
            }
            return e;
        }
        if (chunked == null && bodyOut.count != body.length()) {
            throw new IOException("request body had " + bodyOut.count + " bytes, declared " + body.length());
        }
        try {
            if (chunked != null) {
                chunked.finish();
            }
            return null;
        } catch (IOException e) {
            if (!channel.isOpen()) {
                throw e;
            }
            return e;
        }
    }

    /** The response status line and headers. */
    private record Head(int status, Map<String, String> headers) {

        static Head read(ChannelInput in) throws IOException {
            while (true) {
                String statusLine = in.readLine();
                if (statusLine == null) {
                    throw new IOException("libpod closed the connection without an answer");
                }
                String[] parts = statusLine.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                    throw new IOException("not an HTTP response: " + statusLine);
                }
                int status;
                try {
                    status = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IOException("malformed HTTP status line: " + statusLine);
                }
                Map<String, String> headers = new HashMap<>();
                for (String line; !(line = headerLine(in)).isEmpty(); ) {
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        throw new IOException("malformed HTTP header: " + line);
                    }
                    headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
                }
                if (status >= 100 && status < 200) {
                    continue; // interim answers (100 Continue) precede the real one
                }
                return new Head(status, headers);
            }
        }

        private static String headerLine(ChannelInput in) throws IOException {
            String line = in.readLine();
            if (line == null) {
                throw new java.io.EOFException("libpod closed the connection inside the response head");
            }
            return line;
        }

        InputStream body(ChannelInput in, String method) throws IOException {
            if (method.equals("HEAD") || status == 204 || status == 304) {
                return InputStream.nullInputStream();
            }
            String encoding = headers.get("transfer-encoding");
            if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                return new ChunkedInput(in);
            }
            String length = headers.get("content-length");
            if (length != null) {
                try {
                    return new FixedLengthInput(in, Long.parseLong(length));
                } catch (NumberFormatException e) {
                    throw new IOException("malformed Content-Length: " + length);
                }
            }
            return in; // delimited by the end of the connection
        }
    }

    /**
     * What a {@link LibpodRequest.Body} writes to: counts, and a close by the body does not end the
     * exchange. Every write is progress: a slow body that is still coming has not stalled, even while
     * its bytes wait in the write buffer rather than reach the socket.
     */
    private static final class BodyOutput extends java.io.FilterOutputStream {
        private final ExchangeWatch watch;
        private long count;
        /** A write to the socket failed: any other failure of the body came from its source. */
        private boolean socketFailed;

        BodyOutput(OutputStream out, ExchangeWatch watch) {
            super(out);
            this.watch = watch;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                socketFailed = true;
                throw e;
            }
            count += length;
            watch.progress();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                socketFailed = true;
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            flush(); // the connection stays open for the response
        }
    }
}
