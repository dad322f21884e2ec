package dev.upc.agent.libpod.uds;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/** A body of {@code Content-Length} bytes; a connection that ends early is an error, not a short body. */
final class FixedLengthInput extends InputStream {

    private final InputStream in;
    private final long length;
    private long left;

    FixedLengthInput(InputStream in, long length) {
        this.in = in;
        this.length = length;
        this.left = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int count) throws IOException {
        if (left == 0) {
            return -1;
        }
        if (count == 0) {
            return 0;
        }
        int n = in.read(target, offset, (int) Math.min(count, left));
        if (n == -1) {
            throw new EOFException("connection closed after " + (length - left) + " of " + length + " body bytes");
        }
        left -= n;
        return n;
    }
}
