package dev.upc.store.blob;

import dev.upc.protocol.BlobInfo;
import java.nio.file.Path;

/**
 * A verified blob ready to be sent: its content is {@code info.size()} bytes of {@code file} starting at
 * {@code contentOffset}, so the REST layer can send it zero-copy. (An object-store implementation would add a
 * streaming variant here; the REST layer only depends on this record.)
 */
public record Blob(BlobInfo info, Path file, long contentOffset) {
}
