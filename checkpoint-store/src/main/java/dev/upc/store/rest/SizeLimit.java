package dev.upc.store.rest;

import dev.upc.store.blob.BlobSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/** A body that may not pass a number of bytes: the put fails the moment it does, and nothing is stored. */
final class SizeLimit implements BlobSource {

    private final BlobSource body;
    private final long max;
    private final Supplier<RuntimeException> tooLarge;
    private long read;

    private SizeLimit(BlobSource body, long max, Supplier<RuntimeException> tooLarge) {
        this.body = body;
        this.max = max;
        this.tooLarge = tooLarge;
    }

    static BlobSource of(BlobSource body, long max, Supplier<RuntimeException> tooLarge) {
        return max == Long.MAX_VALUE ? body : new SizeLimit(body, max, tooLarge);
    }

    @Override
    public ByteBuffer next() throws IOException {
        ByteBuffer next = body.next();
        if (next != null) {
            read += next.remaining();
            if (read > max) {
                throw tooLarge.get();
            }
        }
        return next;
    }

    @Override
    public byte[] sha256() {
        return body.sha256();
    }
}
