package dev.upc.store.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An upload written through the page cache, for file systems without direct I/O and for uploads a reader follows.
 * An fdatasync starts in the background after every {@value #FLUSH_EVERY_BYTES} bytes (or when the one before
 * ends, whichever is later: at most one runs), so the disk writes while the network still delivers and the final
 * fsync finds little left to do (a 1 GiB upload otherwise pays receive time plus a whole 1 GiB flush; with 32 MiB
 * steps the demo's 32 MiB checkpoints paid their whole flush at the commit). An error of a background flush is
 * rethrown by the next one or by {@link #finish}: Linux reports a writeback error to one fsync caller only.
 */
final class BufferedUploadFile implements UploadFile {

    private static final long FLUSH_EVERY_BYTES = 4L << 20;
    private static final ExecutorService FLUSHER = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "blob-flush");
        thread.setDaemon(true);
        return thread;
    });

    private final FileChannel channel;
    private final int headerLength;
    private volatile long position;
    private long flushRequestedAt;
    private CompletableFuture<Void> flushing = CompletableFuture.completedFuture(null);

    private BufferedUploadFile(FileChannel channel, int headerLength) throws IOException {
        this.channel = channel;
        this.headerLength = headerLength;
        writeFully(ByteBuffer.allocate(headerLength), 0);
        this.position = headerLength;
    }

    static UploadFile open(Path file, int headerLength) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            return new BufferedUploadFile(channel, headerLength);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void append(ByteBuffer bytes) throws IOException {
        position = writeFully(bytes, position);
        if (position - flushRequestedAt >= FLUSH_EVERY_BYTES && flushing.isDone()) {
            awaitFlush();
            flushRequestedAt = position;
            flushing = CompletableFuture.runAsync(() -> {
                try {
                    channel.force(false);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, FLUSHER);
        }
    }

    @Override
    public long readable() {
        return position - headerLength; // through the page cache: visible once written
    }

    @Override
    public void finish(ByteBuffer header) throws IOException {
        writeFully(header, 0);
        awaitFlush();
        channel.force(true);
    }

    private long writeFully(ByteBuffer bytes, long at) throws IOException {
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
        return at;
    }

    /** Waits for the running flush and rethrows its failure. */
    private void awaitFlush() throws IOException {
        UploadFile.await(flushing, "background flush");
    }

    /** A flush must not outlive its file's channel. */
    @Override
    public void close() throws IOException {
        try {
            flushing.join();
        } catch (RuntimeException ignored) {
            // already reported by finish(), or the upload failed anyway
        }
        channel.close();
    }
}
