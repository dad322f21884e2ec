package dev.upc.store.blob;

import dev.upc.protocol.BlobKind;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The address of a blob. The id pattern is the only thing standing between a URL and a file name, so it is
 * strict: it cannot start with '.', so it never names a temp file, "." or "..", and has no separators.
 */
public record BlobKey(BlobKind kind, String id) {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public BlobKey {
        Objects.requireNonNull(kind, "kind");
        if (!isValidId(id)) {
            throw new InvalidRequestException("invalid_blob_id",
                    "blob id must match " + ID.pattern() + " and not contain '..'");
        }
    }

    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches() && !id.contains("..");
    }

    @Override
    public String toString() {
        return kind.pathSegment() + "/" + id;
    }
}
