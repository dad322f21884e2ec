package dev.upc.agent.job;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A stream whose end is held back until {@code before} is done, and never reached if it fails. A restore streams the
 * checkpoint to libpod while the job's image is loaded beside it: libpod stages the whole archive before it creates
 * the container, so the image only has to be there when the archive ends, and its loading leaves the critical path.
 * When the hold began and ended is {@link #heldFromNanos()} and {@link #releasedAtNanos()}: the part of the
 * loading the download did not hide.
 */
final class HeldEnd extends FilterInputStream {

    private final CompletableFuture<?> before;
    private final Duration maxHold;
    private volatile long heldFromNanos;
    private volatile long releasedAtNanos;
    private volatile boolean released;

    /** @param maxHold how long the end may wait for {@code before}; null: as long as it takes */
    HeldEnd(InputStream in, CompletableFuture<?> before, Duration maxHold) {
        super(in);
        this.before = before;
        this.maxHold = maxHold;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        return b < 0 ? end() : b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        return n < 0 ? end() : n;
    }

    private int end() throws IOException {
        if (!released) {
            long started = System.nanoTime();
            heldFromNanos = started;
            try {
                if (maxHold == null) {
                    before.join();
                } else {
                    before.get(maxHold.toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (CompletionException | CancellationException | ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new IOException(cause.getMessage(), cause);
            } catch (TimeoutException e) {
                throw new IOException("the end was held for " + maxHold.toMillis() + " ms, in vain", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the end was held", e);
            }
            releasedAtNanos = System.nanoTime();
            released = true;
        }
        return -1;
    }

    /** Whether the end was passed on: the reader got the whole stream. */
    boolean released() {
        return released;
    }

    /** When the wrapped stream ended and the hold began ({@link System#nanoTime()}); 0 before that. */
    long heldFromNanos() {
        return heldFromNanos;
    }

    /** When the end was passed on ({@link System#nanoTime()}); 0 before that. */
    long releasedAtNanos() {
        return releasedAtNanos;
    }
}
