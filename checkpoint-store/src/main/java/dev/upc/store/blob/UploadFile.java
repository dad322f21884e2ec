package dev.upc.store.blob;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The temp file a put streams into: {@code headerLength} bytes reserved for the header, then the content,
 * appended in order. {@link #finish(ByteBuffer)} writes the header over the reserved bytes and makes the whole
 * file durable. Closing without finishing leaves a partial file for the caller to delete.
 */
interface UploadFile extends Closeable {

    /** Appends {@code bytes} (drains the buffer). */
    void append(ByteBuffer bytes) throws IOException;

    /** Writes {@code header} at offset 0 and fsyncs data and size. */
    void finish(ByteBuffer header) throws IOException;
}
