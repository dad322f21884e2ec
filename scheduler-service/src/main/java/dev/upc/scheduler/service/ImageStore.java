package dev.upc.scheduler.service;

import dev.upc.protocol.ImageInfo;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The images table: the job images in the store, by reference. */
@ApplicationScoped
public class ImageStore {

    /** Records the image unless its reference is taken; returns the row that holds the reference now. */
    public Uni<ImageInfo> record(SqlClient c, ImageInfo image) {
        return c.preparedQuery("""
                        INSERT INTO images (reference, owner, blob_id, size_bytes, sha256, pushed_at)
                        VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (reference) DO NOTHING""")
                .execute(Tuple.from(new Object[] {image.reference(), image.owner(), image.blobId(), image.sizeBytes(),
                        image.sha256(), OffsetDateTime.ofInstant(image.pushedAt(), ZoneOffset.UTC)}))
                .chain(() -> find(c, image.reference()));
    }

    public Uni<ImageInfo> find(SqlClient c, String reference) {
        return c.preparedQuery("SELECT * FROM images WHERE reference = $1").execute(Tuple.of(reference))
                .map(rows -> rows.size() == 0 ? null : toImage(rows.iterator().next()));
    }

    /** Images by reference after {@code after} (null = from the start), at most {@code limit}. */
    public Uni<List<ImageInfo>> list(SqlClient c, String after, int limit) {
        return c.preparedQuery("SELECT * FROM images WHERE $1::text IS NULL OR reference > $1 ORDER BY reference LIMIT $2")
                .execute(Tuple.of(after, limit)).map(rows -> {
                    List<ImageInfo> images = new ArrayList<>();
                    rows.forEach(row -> images.add(toImage(row)));
                    return images;
                });
    }

    private static ImageInfo toImage(Row row) {
        return new ImageInfo(row.getString("reference"), row.getString("owner"), row.getString("blob_id"),
                row.getLong("size_bytes"), row.getString("sha256"), row.getOffsetDateTime("pushed_at").toInstant());
    }
}
