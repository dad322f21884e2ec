package dev.upc.agent.libpod;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts the bytes taken from a stream and notes when its end was reached. */
public class CountingInput extends FilterInputStream {

    private long count;
    private volatile long finishedAt;

    public CountingInput(InputStream in) {
        super(in);
    }

    /** Bytes read so far. */
    public long count() {
        return count;
    }

    /** {@link System#nanoTime()} when the end was read, 0 before that. */
    public long finishedAt() {
        return finishedAt;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b == -1) {
            finishedAt = System.nanoTime();
        } else {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        int n = super.read(target, offset, length);
        if (n == -1) {
            finishedAt = System.nanoTime();
        } else {
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count += skipped;
        return skipped;
    }
}
