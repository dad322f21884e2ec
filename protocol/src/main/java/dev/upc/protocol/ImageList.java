package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code GET /api/v1/images}: images by reference (see {@link Paging}).
 *
 * @param images     one page of images
 * @param nextCursor the next page's cursor, or null on the last page
 */
public record ImageList(List<ImageInfo> images, String nextCursor) {

    public ImageList {
        images = images == null ? List.of() : List.copyOf(images);
    }
}
