package dev.upc.agent.job;

import dev.upc.agent.libpod.ContainerSpec;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.RestoreOptions;
import dev.upc.agent.libpod.RestoreReport;
import dev.upc.agent.tar.EntryRewrite;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Streams a checkpoint archive into libpod's restore of a new container, under this PC's limits: the archive's
 * {@code spec.dump} gets this PC's CPU quota and its {@code config.dump} this PC's cgroup parent as they pass (see
 * {@link CheckpointSpec}). The archive goes chunked and its end is held back until the job's image is here and, for a
 * prefetched restore, until its RESTORE claimed it: libpod stages the whole archive before it creates anything, so a
 * stream that fails instead of ending (a wrong sha256, an image that could not be loaded, a claim that never came)
 * restores nothing.
 */
final class ArchiveImport {

    private static final Logger LOG = Logger.getLogger(ArchiveImport.class);

    private final LibpodClient libpod;
    private final JobCgroups cgroups;

    ArchiveImport(LibpodClient libpod, JobCgroups cgroups) {
        this.libpod = libpod;
        this.cgroups = cgroups;
    }

    /**
     * @param limited      whether the archive's spec carried this PC's quota (else it must be applied afterwards)
     * @param imageHeld    how long the end waited for the image beyond the download
     * @param startedNanos when the stream began, on {@link System#nanoTime()}
     */
    record Result(RestoreReport report, boolean limited, Duration imageHeld, long startedNanos) {

        /** When libpod had the whole archive, on {@link System#nanoTime()}. */
        long stagedAtNanos() {
            return startedNanos + report.uploaded().toNanos();
        }
    }

    /**
     * Restores {@code download} as {@code name}.
     *
     * @param claimed   completes when the restore may go ahead; the end waits for it at most {@code claimWait}
     */
    Result restore(InputStream download, String name, long quotaMicros, CompletableFuture<?> imageLoaded,
                   CompletableFuture<?> claimed, Duration claimWait) throws IOException {
        Optional<String> parent = cgroups.parentForRestore(name);
        long started = System.nanoTime();
        try (EntryRewrite config = new EntryRewrite(download, CheckpointSpec.CONFIG_ENTRY, CheckpointSpec.MAX_BYTES,
                     bytes -> parent.flatMap(p -> CheckpointSpec.withCgroupParent(bytes, p)));
             EntryRewrite archive = new EntryRewrite(config, CheckpointSpec.ENTRY, CheckpointSpec.MAX_BYTES,
                     spec -> CheckpointSpec.withCpuLimit(spec, quotaMicros, ContainerSpec.DEFAULT_CPU_PERIOD_MICROS));
             HeldEnd untilImaged = new HeldEnd(archive, imageLoaded, null);
             HeldEnd untilClaimed = new HeldEnd(untilImaged, claimed, claimWait)) {
            RestoreReport report = libpod.restoreImport(untilClaimed, -1, RestoreOptions.named(name));
            if (parent.isPresent() && !config.rewritten()) {
                LOG.infof("container=%s: the archive's cgroup parent was not replaced by %s", name, parent.get());
            }
            return new Result(report, archive.rewritten(), Duration.ofMillis(untilImaged.heldMillis()), started);
        }
    }
}
