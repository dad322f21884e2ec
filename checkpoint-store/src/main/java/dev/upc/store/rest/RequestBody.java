package dev.upc.store.rest;

import dev.upc.store.blob.BlobSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request body as a {@link BlobSource} for a worker thread, taken from the connection's Netty pipeline.
 *
 * <p>Vert.x hands each body chunk to a request handler only after copying it from Netty's pooled buffer into
 * a fresh heap buffer: for a 256 MiB upload that is 256 MiB of allocation and copying on the event loop and
 * young collections on a 64 MiB heap. So a {@link Tap} sits just before Vert.x's handler for the length of
 * the body and copies each chunk straight from the pooled buffer into reused 256 KiB arrays; Vert.x sees only
 * the end of the body.
 *
 * <p>SHA-256 (about 1 GiB/s per core here) is the longest serial step of a put, so it gets a thread of its own:
 * a hashing stage ({@code blob-hash}) takes the arrays from the event loop, hashes them and passes them on to the
 * worker, which copies them into the upload file while the next one is hashed. Network, hashing and the worker's
 * copy and disk writes run side by side on two cores; the hashing thread does nothing but hash. Measured on 2
 * cores, PUT of 256 MiB: with Vert.x's chunks hashed on the loop, the loop took 0.41 CPU-s of a 0.48 s PUT; with
 * the tap and the worker hashing, the worker (0.28 CPU-s, a tenth of it the copy) bounded the PUT at 0.33–0.44 s;
 * with the hashing stage, interleaved A/B, medians of 7 went 0.35–0.44 → 0.33–0.39 s.
 *
 * <p>Backpressure: the connection stops reading once {@value #HIGH_WATER} bytes wait for the worker and reads
 * again when it has drained them to {@value #LOW_WATER}, so an upload holds about 2 MiB whatever its size.
 * Chunks Vert.x had queued before the tap was in place still come through the request handler, and come first:
 * the tap holds what it catches until a task queued behind Vert.x's delivery opens it. Connections whose
 * pipeline is not Vert.x's HTTP/1 one (HTTP/2) use the request handler throughout.
 *
 * <p>Create it on the request's event loop, before returning from the route handler. A connection closed before
 * the body ended surfaces as an {@link IOException} from {@link #next()}. When the put fails before the body
 * ended, {@link #discardRest()} drops the rest so the client gets the answer instead of a reset.
 */
final class RequestBody implements BlobSource {

    static final String CONTEXT_KEY = RequestBody.class.getName();
    private static final int CHUNK = 256 << 10;
    private static final int HIGH_WATER = 2 << 20;
    private static final int LOW_WATER = 512 << 10;
    private static final Object END = new Object();
    /** Arrays of finished uploads, reused; at most {@value #MAX_SPARE}. */
    private static final ConcurrentLinkedQueue<byte[]> SPARE = new ConcurrentLinkedQueue<>();
    private static final int MAX_SPARE = 16;
    private static final ExecutorService HASHER = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "blob-hash");
        thread.setDaemon(true);
        return thread;
    });

    private final HttpServerRequest request;
    private final Context context;
    private final Duration idleTimeout;
    /** Chunks from the event loop to the hashing stage, and from there to the worker. */
    private final BlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> hashed = new LinkedBlockingQueue<>();
    private final AtomicInteger unread = new AtomicInteger();
    private volatile long lastReceivedNanos = System.nanoTime();

    // Event loop only:
    /** The HTTP/1 connection whose pipeline the tap joins; null for HTTP/2, where chunks come the Vert.x way. */
    private final ConnectionBase connection;
    private boolean bodyEnded;
    private byte[] filling;
    private int filled;
    private boolean paused;
    private boolean discarding;

    /** Hashing stage only, then read by the worker once the end came through. */
    private final MessageDigest sha256 = BlobSource.newSha256();

    // Worker only:
    private byte[] handedOut;
    private boolean ended;
    private IOException failure;

    RequestBody(HttpServerRequest request, Context context, Duration idleTimeout) {
        this.request = request;
        this.context = context;
        this.idleTimeout = idleTimeout;
        this.connection = request.version() != HttpVersion.HTTP_2
                && request.connection() instanceof ConnectionBase base ? base : null;
        request.handler(chunk -> receive(chunk.getByteBuf()));
        request.endHandler(v -> {
            bodyEnded = true;
            flush();
            chunks.add(END);
        });
        request.exceptionHandler(e -> chunks.add(new IOException("request body failed: " + e.getMessage(), e)));
        request.response().closeHandler(v -> chunks.add(new IOException("client closed the connection")));
        HASHER.execute(this::hashAll);
        if (connection != null) {
            ChannelHandlerContext vertx = connection.channelHandlerContext();
            Tap tap = new Tap();
            vertx.pipeline().addBefore(vertx.name(), "upc-request-body", tap);
            request.resume();
            context.runOnContext(v -> tap.open());
        } else {
            request.resume();
        }
    }

    /** Drops what is queued and every body byte still to come; on the event loop. */
    void discardRest() {
        discarding = true;
        chunks.clear();
        filling = null;
        resumeReading();
    }

    @Override
    public ByteBuffer next() throws IOException {
        recycle(handedOut);
        handedOut = null;
        if (failure != null) {
            throw failure;
        }
        if (ended) {
            return null;
        }
        Object chunk;
        try {
            chunk = hashed.take();
        } catch (InterruptedException e) {
            throw interrupted();
        }
        if (chunk == END) {
            ended = true;
            return null;
        }
        if (chunk instanceof IOException e) {
            failure = e;
            throw e;
        }
        ByteBuffer bytes = (ByteBuffer) chunk;
        if (unread.addAndGet(-bytes.remaining()) <= LOW_WATER) {
            context.runOnContext(v -> {
                if (unread.get() <= LOW_WATER) {
                    resumeReading();
                }
            });
        }
        handedOut = bytes.array();
        return bytes;
    }

    /**
     * The hashing stage, on a thread of its own for the length of the body: hashes each chunk the event loop
     * hands over and passes it on to {@link #next()}, until the end of the body, its failure or the idle timeout.
     * Always ends by passing on {@link #END} or an {@link IOException}, so {@code next()} never waits forever.
     */
    private void hashAll() {
        Object last = null;
        try {
            while (true) {
                Object chunk = poll();
                if (chunk instanceof ByteBuffer bytes) {
                    sha256.update(bytes.array(), bytes.position(), bytes.remaining());
                    hashed.add(bytes);
                } else {
                    last = chunk;
                    return;
                }
            }
        } catch (IOException e) {
            last = e;
        } catch (RuntimeException | Error e) {
            last = new IOException("hashing the request body failed", e);
            throw e;
        } finally {
            hashed.add(last != null ? last : new IOException("hashing the request body stopped"));
        }
    }

    /**
     * The next chunk from the event loop; waits as long as bytes keep arriving, but no longer than the idle timeout
     * after the last.
     */
    private Object poll() throws IOException {
        try {
            while (true) {
                Object chunk = chunks.poll(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
                if (chunk != null) {
                    return chunk;
                }
                if (System.nanoTime() - lastReceivedNanos >= idleTimeout.toNanos()) {
                    throw new IOException("no request body bytes for " + idleTimeout.toSeconds() + " s");
                }
                // A trickle: bytes came, but not a whole chunk; take what there is.
                context.runOnContext(v -> flush());
            }
        } catch (InterruptedException e) {
            throw interrupted();
        }
    }

    /** Keeps the thread's interrupt for whoever looks next and turns it into the I/O failure the caller handles. */
    private static InterruptedIOException interrupted() {
        Thread.currentThread().interrupt();
        return new InterruptedIOException("interrupted while waiting for the request body");
    }

    @Override
    public byte[] sha256() {
        if (!ended) {
            throw new IllegalStateException("the body has not ended yet");
        }
        return sha256.digest();
    }

    /** Copies body bytes into the chunk being filled; on the event loop. */
    private void receive(ByteBuf content) {
        lastReceivedNanos = System.nanoTime();
        if (discarding) {
            return;
        }
        int index = content.readerIndex();
        int end = content.writerIndex();
        while (index < end) {
            if (filling == null) {
                filling = takeChunk();
                filled = 0;
            }
            int n = Math.min(end - index, CHUNK - filled);
            content.getBytes(index, filling, filled, n);
            index += n;
            filled += n;
            if (filled == CHUNK) {
                flush();
            }
        }
    }

    /** Hands the chunk being filled to the worker; on the event loop. */
    private void flush() {
        if (filling == null || filled == 0 || discarding) {
            return;
        }
        chunks.add(ByteBuffer.wrap(filling, 0, filled));
        filling = null;
        if (unread.addAndGet(filled) >= HIGH_WATER) {
            pauseReading();
        }
    }

    private void pauseReading() {
        if (!paused) {
            paused = true;
            if (connection != null) {
                connection.doPause();
            } else {
                request.pause();
            }
        }
    }

    private void resumeReading() {
        if (paused) {
            paused = false;
            if (connection != null) {
                connection.doResume();
            } else {
                request.resume();
            }
        }
    }

    private static byte[] takeChunk() {
        byte[] spare = SPARE.poll();
        return spare != null ? spare : new byte[CHUNK];
    }

    private static void recycle(byte[] chunk) {
        if (chunk != null && SPARE.size() < MAX_SPARE) {
            SPARE.offer(chunk);
        }
    }

    /**
     * Catches this request's body chunks before Vert.x's handler. Until {@link #open()} it only holds what it
     * catches (Vert.x may still be delivering chunks it queued earlier); then it feeds them to
     * {@link #receive}, passes the end of the body on to Vert.x as an empty last chunk, and leaves the pipeline.
     * Anything that is not this body (the next pipelined request) goes on to Vert.x untouched.
     */
    private final class Tap extends ChannelInboundHandlerAdapter {

        private final ArrayDeque<Object> held = new ArrayDeque<>();
        private ChannelHandlerContext context;
        private boolean open;
        /** Out of the pipeline: it left ({@link #leave}) or the channel closed. */
        private boolean removed;
        /** It passed the end of the body (or the next request) on to Vert.x. */
        private boolean left;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            context = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!open) {
                held.add(msg);
            } else {
                take(msg);
            }
        }

        void open() {
            open = true;
            if (bodyEnded) {
                leave(held.poll()); // Vert.x had the whole body queued: what the tap holds is the next request
            }
            while (!held.isEmpty() && !removed) {
                take(held.poll());
            }
            if (left) {
                // Outside a read Vert.x would hold its writes back for a read-complete that never comes.
                context.fireChannelReadComplete();
            }
        }

        /** Takes one message: a body chunk is read and released, the end or anything else ends the tap. */
        private void take(Object msg) {
            if (msg instanceof HttpContent chunk && chunk.decoderResult().isSuccess()) {
                try {
                    receive(chunk.content());
                } finally {
                    chunk.release();
                }
                if (msg instanceof LastHttpContent last) {
                    leave(new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, last.trailingHeaders()));
                }
            } else {
                leave(msg); // a malformed chunk (Vert.x reports it) or the next request
            }
        }

        /** Passes {@code msg} (if any) and everything held behind it on to Vert.x and leaves the pipeline. */
        private void leave(Object msg) {
            removed = true;
            left = true;
            if (msg != null) {
                context.fireChannelRead(msg);
            }
            while (!held.isEmpty()) {
                context.fireChannelRead(held.poll());
            }
            context.pipeline().remove(this);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            removed = true;
            while (!held.isEmpty()) {
                ReferenceCountUtil.release(held.poll());
            }
        }
    }
}
