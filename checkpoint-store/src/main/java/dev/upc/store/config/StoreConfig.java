package dev.upc.store.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

@ConfigMapping(prefix = "upc.store")
public interface StoreConfig {

    /** Root of the blob tree: one subdirectory per kind, temp files beside the blobs (same filesystem). */
    Path directory();

    /**
     * How long a full sha256 check of a blob file stays trusted while the file's size, mtime and ctime are
     * unchanged. Any write changes those, so this only bounds how late silent media corruption is noticed.
     */
    @WithDefault("10m")
    Duration verifiedTtl();

    /**
     * An upload that waited this long for a slot is refused (503, Retry-After) with its body unread, and its
     * connection closed: uploads that hold their slots cannot keep the line full for ever.
     */
    @WithDefault("30s")
    Duration uploadWaitTimeout();

    /** A client that sends no body bytes for this long has its upload aborted (frees the worker thread). */
    @WithDefault("60s")
    Duration uploadIdleTimeout();

    /**
     * Uploads whose bodies are read at once. Each holds about 6 MiB while it is read (2 MiB of body queued on
     * the heap, 4 MiB of direct-I/O buffers), so this times 6 MiB must fit the heap and the direct memory (by
     * default as large as the heap) beside what the service needs itself; 8 suits a 64 MiB heap.
     */
    @WithDefault("8")
    int maxConcurrentUploads();

    /**
     * Uploads that may wait for a slot with their bodies unread; an upload beyond them is refused with 503 and
     * Retry-After.
     */
    @WithDefault("64")
    int maxWaitingUploads();

    /**
     * Write uploads with {@code O_DIRECT} where the file system supports it (else through the page cache):
     * less CPU per byte, and nothing left for the final fsync. Turn off to keep freshly written blobs in the
     * page cache for fast reads back, at the cost of the extra copy.
     */
    @WithDefault("true")
    boolean directIo();

    /**
     * The largest blob of each kind, per kind path segment ({@code checkpoints}, {@code images}, {@code outputs},
     * {@code inputs}); a larger upload is refused 413 {@code blob_too_large}: at once when it declares its length,
     * else as soon as it passes the limit. The rest of its body, up to 1 MiB, is read and dropped so that the client
     * hears the 413 rather than a reset; a larger rest is not read. A kind without an entry has no limit.
     */
    Map<String, MemorySize> maxBlobSize();

    /** Readiness fails while the directory's filesystem has less usable space than this. */
    @WithDefault("1G")
    MemorySize minFreeBytes();

    Retention retention();

    interface Retention {

        /** How often the sweep applies the rules and removes abandoned temp files; {@code off} disables it. */
        @WithDefault("5m")
        String sweepInterval();

        /** Keep at most this many checkpoints per job (the newest); unset keeps all. */
        OptionalInt keepPerJob();

        /**
         * Extracts the job id from a checkpoint id: a regex matching the whole id, with the job id in group
         * {@code job}. Checkpoint ids it does not match are exempt from {@link #keepPerJob()}.
         */
        @WithDefault("(?<job>.+)-\\d{1,18}-\\d{1,18}")
        String jobIdPattern();

        /**
         * Blobs older than this are deleted, per kind path segment ({@code checkpoints}, {@code images},
         * {@code outputs}, {@code inputs}); a kind without an entry is never deleted for age.
         */
        Map<String, Duration> maxAge();

        /** Total bytes the store may hold; above it the oldest checkpoints are evicted (never other kinds). */
        Optional<MemorySize> sizeBudget();
    }
}
