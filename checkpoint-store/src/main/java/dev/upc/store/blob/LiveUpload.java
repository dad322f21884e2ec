package dev.upc.store.blob;

import dev.upc.protocol.BlobInfo;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A put in progress, for readers that follow it to its end: a migration's target fetches the checkpoint while the
 * source is still uploading it, so the transfer's two legs overlap instead of adding up. A reader opens the upload's
 * temp file, reads the content bytes that are {@link #readable()}, waits for more, and ends once the put
 * {@link #committed()} with exactly the committed size; a put that {@link #failed()} ends its readers with an error.
 * Nothing read this way is trusted before it is committed: the reader checks the committed sha256 at the end.
 *
 * <p>A put its uploader announces as followed ({@link dev.upc.protocol.BlobHeaders#FOLLOWED}) is written through the
 * page cache, so its reader reads memory. Other puts are written with direct I/O, and reading them back costs a disk
 * read (measured on a VM here: 296 MB/s, against 5.4 GB/s from the page cache). Keeping a copy for the reader on the
 * store's small heap was tried and cost more than it saved: the garbage collector copied the window over and over
 * (40–90 ms pauses every ~100 ms, 2.4 s of the store's CPU for a 256 MiB move).
 */
public final class LiveUpload {

    private final BlobKey key;
    private final Path temp;
    private volatile LongSupplier readable = () -> 0;
    private volatile BlobInfo committed;
    private volatile String failure;

    LiveUpload(BlobKey key, Path temp) {
        this.key = key;
        this.temp = temp;
    }

    public BlobKey key() {
        return key;
    }

    /**
     * Opens the upload's temp file for reading; the content starts at {@link #contentOffset()}. The channel stays
     * readable when the put commits (the temp file's inode becomes the blob's).
     *
     * @throws java.nio.file.NoSuchFileException the put ended meanwhile: read the blob, or nothing
     */
    public FileChannel open() throws IOException {
        return FileChannel.open(temp, StandardOpenOption.READ);
    }

    public long contentOffset() {
        return BlobFileHeader.LENGTH;
    }

    /** Content bytes a reader of the temp file can read now. */
    public long readable() {
        return readable.getAsLong();
    }

    /** The blob, once the put is committed; then {@link #readable()} is its size. */
    public Optional<BlobInfo> committed() {
        return Optional.ofNullable(committed);
    }

    /** Why the put failed; nothing was stored. */
    public Optional<String> failed() {
        return Optional.ofNullable(failure);
    }

    /** Waits until more than {@code read} bytes are readable, or the put ended, or {@code max} passed. */
    public synchronized void awaitMore(long read, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (readable() <= read && committed == null && failure == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            // Direct I/O makes bytes readable on a writer thread, unannounced: look again every few ms.
            wait(Math.max(1, Math.min(left / 1_000_000, 5)));
        }
    }

    synchronized void receiving(UploadFile file) {
        readable = file::readable;
        notifyAll();
    }

    synchronized void advanced() {
        notifyAll();
    }

    synchronized void commit(BlobInfo info) {
        long size = info.size();
        readable = () -> size;
        committed = info;
        notifyAll();
    }

    synchronized void fail(String reason) {
        failure = reason;
        notifyAll();
    }
}
