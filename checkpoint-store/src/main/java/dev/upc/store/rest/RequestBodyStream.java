package dev.upc.store.rest;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request body as a blocking {@link InputStream} for a worker thread, with backpressure: the event loop
 * pauses the request once {@value #HIGH_WATER} bytes wait unread and resumes it when the reader has drained
 * them to {@value #LOW_WATER}. So an upload holds at most about 2 MiB in memory whatever its size, and the
 * sender is not stalled by every short pause of the writer (fsync-free page-cache writes, hashing).
 *
 * <p>Create it on the request's event loop, before returning from the route handler, so no chunk is missed.
 * A connection closed before the body ended surfaces as an {@link IOException} from {@code read}.
 */
final class RequestBodyStream extends InputStream {

    private static final int HIGH_WATER = 2 << 20;
    private static final int LOW_WATER = 512 << 10;
    private static final Object END = new Object();

    private final HttpServerRequest request;
    private final Context context;
    private final Duration idleTimeout;
    private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
    private final AtomicInteger unread = new AtomicInteger();
    /** Touched on the event loop only. */
    private boolean paused;

    private Buffer current;
    private int position;
    private boolean ended;

    RequestBodyStream(HttpServerRequest request, Context context, Duration idleTimeout) {
        this.request = request;
        this.context = context;
        this.idleTimeout = idleTimeout;
        request.handler(chunk -> {
            chunks.add(chunk);
            if (unread.addAndGet(chunk.length()) >= HIGH_WATER && !paused) {
                paused = true;
                request.pause();
            }
        });
        request.endHandler(v -> chunks.add(END));
        request.exceptionHandler(e -> chunks.add(new IOException("request body failed: " + e.getMessage(), e)));
        request.response().closeHandler(v -> chunks.add(new IOException("client closed the connection")));
        request.resume();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (current == null || position == current.length()) {
            if (ended) {
                return -1;
            }
            next();
        }
        int n = Math.min(length, current.length() - position);
        current.getBytes(position, position + n, into, offset);
        position += n;
        return n;
    }

    private void next() throws IOException {
        Object chunk;
        try {
            chunk = chunks.poll(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the request body");
        }
        if (chunk == null) {
            throw new IOException("no request body bytes for " + idleTimeout.toSeconds() + " s");
        }
        if (chunk == END) {
            ended = true;
            current = null;
            return;
        }
        if (chunk instanceof IOException e) {
            throw e;
        }
        current = (Buffer) chunk;
        position = 0;
        if (unread.addAndGet(-current.length()) <= LOW_WATER) {
            context.runOnContext(v -> {
                if (paused && unread.get() <= LOW_WATER) {
                    paused = false;
                    request.resume();
                }
            });
        }
    }
}
