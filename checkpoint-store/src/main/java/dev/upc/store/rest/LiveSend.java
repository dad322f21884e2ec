package dev.upc.store.rest;

import dev.upc.protocol.BlobInfo;
import dev.upc.store.blob.LiveUpload;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.ByteBuffer;
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
    Optional<Long> run() throws IOException, InterruptedException {
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
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            long idleSince = System.nanoTime();
            while (true) {
                Optional<BlobInfo> committed = upload.committed(); // read before readable(): then it is final
                long readable = upload.readable();
                if (sent < readable) {
                    buffer.clear().limit((int) Math.min(CHUNK, readable - sent));
                    int n = channel.read(buffer, upload.contentOffset() + sent);
                    if (n <= 0) {
                        throw new IOException("the upload's file ended at " + sent + " of " + readable + " bytes");
                    }
                    write(response, Buffer.buffer(n).appendBytes(buffer.array(), 0, n));
                    sent += n;
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
        } catch (IOException | RuntimeException e) {
            LOG.infof("follow of %s cut after %d bytes: %s", upload.key(), sent, e.getMessage());
            ctx.request().connection().close();
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
