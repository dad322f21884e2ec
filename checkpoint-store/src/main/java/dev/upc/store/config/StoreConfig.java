package dev.upc.store.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

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

    /** A client that sends no body bytes for this long has its upload aborted (frees the worker thread). */
    @WithDefault("60s")
    Duration uploadIdleTimeout();
}
