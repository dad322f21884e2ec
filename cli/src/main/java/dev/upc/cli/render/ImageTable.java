package dev.upc.cli.render;

import dev.upc.protocol.ImageInfo;
import java.time.Instant;
import java.util.List;

/** The table of {@code upc images list}. */
public final class ImageTable {

    private ImageTable() {
    }

    public static Table of(List<ImageInfo> images, Instant now) {
        Table table = Table.withColumns("REFERENCE", "OWNER", "SIZE", "PUSHED").alignRight("SIZE", "PUSHED");
        for (ImageInfo image : images) {
            table.row(image.reference(), Cells.orNone(image.owner()), Sizes.bytes(image.sizeBytes()),
                    RelativeTime.ago(image.pushedAt(), now));
        }
        return table;
    }
}
