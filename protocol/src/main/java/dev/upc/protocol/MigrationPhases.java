package dev.upc.protocol;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a migration's downtime went, in milliseconds, as the details of a MIGRATED job event carry it. The downtime
 * runs from the scheduler's decision to the job running on the target; the agents time their own phases and the
 * scheduler puts what no agent timed under coordination.
 *
 * @param checkpointMillis   the source's CRIU dump, as libpod answered it
 * @param uploadMillis       the source sending the archive to the checkpoint store
 * @param imageMillis        the target bringing the job's image onto the PC (0 when it was there)
 * @param downloadMillis     the target handing the archive from the store to libpod
 * @param restoreMillis      the target's CRIU restore
 * @param coordinationMillis the rest: commands and events in flight, the scheduler's transactions, the agents'
 *                           bookkeeping
 */
public record MigrationPhases(long checkpointMillis, long uploadMillis, long imageMillis, long downloadMillis,
                              long restoreMillis, long coordinationMillis) {

    /** The agents' timings of a move that took {@code downtimeMillis}; what they leave unexplained is coordination. */
    public static MigrationPhases of(long downtimeMillis, long checkpoint, long upload, long image, long download,
                                     long restore) {
        long coordination = Math.max(0, downtimeMillis - checkpoint - upload - image - download - restore);
        return new MigrationPhases(checkpoint, upload, image, download, restore, coordination);
    }

    /** Read back from a MIGRATED event's details; a phase an older scheduler did not record reads as 0. */
    public static MigrationPhases fromDetails(Map<String, ?> details) {
        return new MigrationPhases(millis(details, "checkpointMillis"), millis(details, "uploadMillis"),
                millis(details, "imageMillis"), millis(details, "downloadMillis"), millis(details, "restoreMillis"),
                millis(details, "coordinationMillis"));
    }

    /** The details' entries, {@code transferMillis} (upload plus download) among them. */
    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("checkpointMillis", checkpointMillis);
        details.put("uploadMillis", uploadMillis);
        details.put("imageMillis", imageMillis);
        details.put("downloadMillis", downloadMillis);
        details.put("restoreMillis", restoreMillis);
        details.put("coordinationMillis", coordinationMillis);
        details.put("transferMillis", transferMillis());
        return details;
    }

    public long transferMillis() {
        return uploadMillis + downloadMillis;
    }

    /** "checkpoint 485 ms, upload 612 ms, image 170 ms, download 530 ms, restore 967 ms, coordination 141 ms" */
    public String describe() {
        return String.format(Locale.ROOT, "checkpoint %d ms, upload %d ms, image %d ms, download %d ms, restore %d ms, "
                        + "coordination %d ms", checkpointMillis, uploadMillis, imageMillis, downloadMillis,
                restoreMillis, coordinationMillis);
    }

    private static long millis(Map<String, ?> details, String key) {
        return details.get(key) instanceof Number n ? n.longValue() : 0;
    }
}
