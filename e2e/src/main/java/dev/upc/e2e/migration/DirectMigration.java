package dev.upc.e2e.migration;

import dev.upc.agent.libpod.ArchiveStream;
import dev.upc.agent.libpod.CheckpointOptions;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.RestoreOptions;
import dev.upc.agent.libpod.RestoreReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Moves a running container from one PC to another by streaming the source's checkpoint export
 * straight into the target's restore import: no file in between, and the target receives the first
 * bytes while the source is still sending.
 */
public final class DirectMigration {

    private DirectMigration() {
    }

    /**
     * @return timings and size; the source container is left checkpointed (stopped), not removed
     */
    public static Report migrate(LibpodClient source, String container, LibpodClient target, String newName) {
        long start = System.nanoTime();
        try (ArchiveStream archive = source.checkpointExport(container, CheckpointOptions.forMigration())) {
            RestoreReport restored = target.restoreImport(archive, -1, RestoreOptions.named(newName));
            return new Report(archive.answeredAfter(), restored.uploaded(), restored.restored(),
                    Duration.ofNanos(System.nanoTime() - start), restored.archiveBytes(), restored.id());
        } catch (IOException e) {
            throw new UncheckedIOException("closing the checkpoint stream of " + container + " failed", e);
        }
    }

    /**
     * @param checkpoint time until the source answered (CRIU dump and packing)
     * @param transfer   time to stream the archive from source to target
     * @param restore    time from the end of the transfer until the target's answer (unpack, CRIU restore)
     * @param total      the whole migration, which is the job's downtime
     */
    public record Report(Duration checkpoint, Duration transfer, Duration restore, Duration total, long archiveBytes,
                         String restoredId) {
    }
}
