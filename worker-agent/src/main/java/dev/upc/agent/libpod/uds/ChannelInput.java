package dev.upc.agent.libpod.uds;

import dev.upc.agent.libpod.LibpodTimeoutException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Buffered reads from the socket with line access for the HTTP head. Reads go straight to the
 * channel (not through {@code Channels.newInputStream}, which would lock out a concurrent writer).
 */
final class ChannelInput extends InputStream {

    private static final int MAX_LINE = 16 * 1024;

    private final SocketChannel channel;
    private final ExchangeWatch watch;
    private final String operation;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).flip();

    ChannelInput(SocketChannel channel, ExchangeWatch watch, String operation) {
        this.channel = channel;
        this.watch = watch;
        this.operation = operation;
    }

    /** A line without its CRLF, or {@code null} at end of stream before any byte. */
    String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (!buffer.hasRemaining() && fill() == -1) {
                if (line.length() == 0) {
                    return null;
                }
                throw new EOFException("connection closed in the middle of a line");
            }
            byte b = buffer.get();
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("HTTP line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) (b & 0xff));
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
        if (buffer.hasRemaining()) {
            int n = Math.min(length, buffer.remaining());
            buffer.get(target, offset, n);
            return n;
        }
        if (length >= buffer.capacity()) { // large reads bypass the buffer
            return channelRead(ByteBuffer.wrap(target, offset, length));
        }
        if (fill() == -1) {
            return -1;
        }
        int n = Math.min(length, buffer.remaining());
        buffer.get(target, offset, n);
        return n;
    }

    @Override
    public int available() {
        return buffer.remaining();
    }

    private int fill() throws IOException {
        buffer.clear();
        int n = channelRead(buffer);
        buffer.flip();
        return n;
    }

    private int channelRead(ByteBuffer target) throws IOException {
        try {
            int n;
            do {
                n = channel.read(target);
            } while (n == 0);
            if (n > 0) {
                watch.progress();
            }
            return n;
        } catch (IOException e) {
            if (watch.expired()) {
                throw new LibpodTimeoutException(operation, watch.describe());
            }
            throw e;
        }
    }
}
