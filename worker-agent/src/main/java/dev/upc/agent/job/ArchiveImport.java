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
     * A restore that failed after libpod had the whole archive: CRIU or podman refused it, so fetching the archive
     * again would not help.
     */
    static final class RestoreFailedException extends IOException {
        RestoreFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Times on {@link System#nanoTime()}.
     *
     * @param limited          whether the archive's spec carried this PC's quota (else it must be applied afterwards)
     * @param startedNanos     when the stream began
     * @param downloadedNanos  when the archive's bytes had all arrived
     * @param imageReadyNanos  when the end stopped waiting for the image
     */
    record Result(RestoreReport report, boolean limited, long startedNanos, long downloadedNanos,
                  long imageReadyNanos) {

        /** The download, from {@code since} on (the start, or the RESTORE that claimed a prefetch). */
        Duration downloadSince(long since) {
            return Duration.ofNanos(Math.max(0, downloadedNanos - since));
        }

        /** The wait for the image after the download and after {@code since}. */
        Duration imageSince(long since) {
            return Duration.ofNanos(Math.max(0, imageReadyNanos - Math.max(downloadedNanos, since)));
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
            RestoreReport report;
            try {
                report = libpod.restoreImport(untilClaimed, -1, RestoreOptions.named(name));
            } catch (RuntimeException e) {
                if (untilClaimed.released()) {
                    throw new RestoreFailedException(e.getMessage(), e);
                }
                throw e;
            }
            if (parent.isPresent() && !config.rewritten()) {
                LOG.infof("container=%s: the archive's cgroup parent was not replaced by %s", name, parent.get());
            }
            return new Result(report, archive.rewritten(), started, untilImaged.heldFromNanos(),
                    untilImaged.releasedAtNanos());
        }
    }
}
