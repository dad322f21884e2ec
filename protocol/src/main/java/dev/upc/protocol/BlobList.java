package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code GET /api/v1/blobs/{kind}?prefix=}: the blobs of one kind whose id starts with prefix, by id.
 *
 * @param kind       the listed kind
 * @param prefix     the id prefix asked for; empty lists all
 * @param blobs      one page of the matching blobs, sorted by id (see {@link Paging})
 * @param nextCursor the next page's cursor, or null on the last page
 */
public record BlobList(BlobKind kind, String prefix, List<BlobInfo> blobs, String nextCursor) {

    public BlobList {
        prefix = prefix == null ? "" : prefix;
        blobs = blobs == null ? List.of() : List.copyOf(blobs);
    }
}
