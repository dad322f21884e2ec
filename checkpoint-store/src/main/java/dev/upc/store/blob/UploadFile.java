package dev.upc.store.blob;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The temp file a put streams into: {@code headerLength} bytes reserved for the header, then the content,
 * appended in order. {@link #finish(ByteBuffer)} writes the header over the reserved bytes and makes the whole
 * file durable. Closing without finishing leaves a partial file for the caller to delete.
 */
interface UploadFile extends Closeable {

    /** Appends {@code bytes} (drains the buffer). */
    void append(ByteBuffer bytes) throws IOException;

    /**
     * Content bytes (after the reserved header) another reader of the file can read now: written to the file, if
     * not yet durable. Safe to call from any thread.
     */
    long readable();

    /** Writes {@code header} at offset 0 and fsyncs data and size. */
    void finish(ByteBuffer header) throws IOException;

    /** Waits for background I/O of an upload and rethrows its failure as the IOException it was. */
    static void await(CompletableFuture<Void> io, String what) throws IOException {
        try {
            io.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException failed) {
                throw failed.getCause();
            }
            throw new IOException(what + " failed", e.getCause());
        }
    }
}
