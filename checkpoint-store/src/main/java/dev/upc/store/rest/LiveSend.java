package dev.upc.store.rest;

import dev.upc.protocol.BlobInfo;
import dev.upc.store.blob.LiveUpload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Sends a {@link LiveUpload} as it arrives, on a worker thread: chunked, each chunk written only after the previous
 * one reached the socket (backpressure without unbounded buffering), ended after the commit with exactly the
 * committed size. Ended any other way (the put failed, the reader is too slow, a read failed) it cuts the connection,
 * so the reader sees a short, chunk-less end and never a complete-looking body.
 */
final class LiveSend {

    private static final Logger LOG = Logger.getLogger(LiveSend.class);
    private static final int CHUNK = 1 << 20;
    /**
     * A reader right behind the upload would otherwise get each network read of the put (tens of KiB) as a chunk of
     * its own: measured with curl on both ends, 256 MiB cost the store 1.0-1.3 s of CPU more than the put alone.
     * So it gathers at least this much, or for at most {@link #GATHER}, before it sends.
     */
    private static final int MIN_CHUNK = 256 << 10;
    private static final Duration GATHER = Duration.ofMillis(10);
    private static final Duration POLL = Duration.ofMillis(50);
    /** A reader that takes no chunk for this long is cut off; the upload does not wait for it. */
    private static final Duration WRITE_TIMEOUT = Duration.ofMinutes(1);
    /** An upload that sends nothing for this long is no longer followed (the store's own idle cut comes first). */
    private static final Duration IDLE = Duration.ofMinutes(2);

    private final RoutingContext ctx;
    private final LiveUpload upload;

    LiveSend(RoutingContext ctx, LiveUpload upload) {
        this.ctx = ctx;
        this.upload = upload;
    }

    /**
     * Streams the upload to its end. Returns the bytes sent, or empty when the put ended before its file could be
     * opened (the caller then serves the committed blob, or its absence).
     */
    Optional<Long> run() throws IOException {
        FileChannel channel;
        try {
            channel = upload.open();
        } catch (java.nio.file.NoSuchFileException ended) {
            return Optional.empty();
        }
        HttpServerResponse response = ctx.response();
        long sent = 0;
        try (channel) {
            response.setStatusCode(200).setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
            long idleSince = System.nanoTime();
            boolean gathered = false;
            while (true) {
                Optional<BlobInfo> committed = upload.committed(); // read before readable(): then it is final
                long readable = upload.readable();
                if (sent < readable) {
                    if (readable - sent < MIN_CHUNK && committed.isEmpty() && !gathered) {
                        upload.awaitMore(sent + MIN_CHUNK - 1, GATHER);
                        gathered = true;
                        continue;
                    }
                    gathered = false;
                    int length = (int) Math.min(CHUNK, readable - sent);
                    ByteBuf chunk = Unpooled.buffer(length); // read straight into the buffer Netty sends
                    while (chunk.writerIndex() < length) {
                        if (chunk.writeBytes(channel, upload.contentOffset() + sent + chunk.writerIndex(),
                                length - chunk.writerIndex()) <= 0) {
                            throw new IOException("the upload's file ended at " + (sent + chunk.writerIndex())
                                    + " of " + readable + " bytes");
                        }
                    }
                    write(response, Buffer.buffer(chunk));
                    sent += length;
                    idleSince = System.nanoTime();
                    continue;
                }
                if (committed.isPresent()) {
                    if (committed.get().size() != sent) {
                        throw new IOException("sent " + sent + " bytes of a blob committed with "
                                + committed.get().size());
                    }
                    response.end();
                    return Optional.of(sent);
                }
                if (upload.failed().isPresent()) {
                    throw new IOException("the upload failed: " + upload.failed().get());
                }
                if (response.closed()) {
                    return Optional.of(sent);
                }
                if (System.nanoTime() - idleSince > IDLE.toNanos()) {
                    throw new IOException("the upload sent nothing for " + IDLE.toSeconds() + " s");
                }
                upload.awaitMore(sent, POLL);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            LOG.infof("follow of %s cut after %d bytes: %s", upload.key(), sent, e.getMessage());
            ctx.request().connection().close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Optional.of(sent);
        }
    }

    private static void write(HttpServerResponse response, Buffer chunk) throws IOException, InterruptedException {
        try {
            response.write(chunk).toCompletionStage().toCompletableFuture()
                    .get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("the reader went away: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the reader took no data for " + WRITE_TIMEOUT.toSeconds() + " s");
        }
    }
}
