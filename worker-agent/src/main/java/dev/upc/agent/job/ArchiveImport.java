package dev.upc.agent.job;

import dev.upc.agent.driver.Restored;
import dev.upc.agent.driver.TaskDriver;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskLimits;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Streams a checkpoint archive into the driver's restore of a new task, under this PC's CPU limit (the driver puts it
 * into the archive as it passes). The end of the archive is held back until the job's image is here and, for a
 * prefetched restore, until its RESTORE claimed it: libpod stages the whole archive before it creates anything, so a
 * stream that fails instead of ending (a wrong sha256, an image that could not be loaded, a claim that never came)
 * restores nothing.
 */
final class ArchiveImport {

    private final TaskDriver driver;

    ArchiveImport(TaskDriver driver) {
        this.driver = driver;
    }

    /**
     * A restore that failed after the driver had the whole archive: CRIU or podman refused it, so fetching the archive
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
     * @param startedNanos     when the stream began
     * @param downloadedNanos  when the archive's bytes had all arrived
     * @param imageReadyNanos  when the end stopped waiting for the image
     */
    record Result(Restored report, long startedNanos, long downloadedNanos,
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
     * Restores {@code download} as {@code name}, a container of {@code image}.
     *
     * @param claimed   completes when the restore may go ahead; the end waits for it at most {@code claimWait}
     */
    Result restore(InputStream download, String name, String image, long quotaMicros, CompletableFuture<?> imageLoaded,
                   CompletableFuture<?> claimed, Duration claimWait) throws IOException {
        long started = System.nanoTime();
        try (HeldEnd untilImaged = new HeldEnd(download, imageLoaded, null);
             HeldEnd untilClaimed = new HeldEnd(untilImaged, claimed, claimWait)) {
            Restored report;
            try {
                report = driver.restore(untilClaimed, TaskHandle.of(name), image,
                        new TaskLimits(quotaMicros, TaskLimits.DEFAULT_PERIOD_MICROS, null));
            } catch (RuntimeException e) {
                if (untilClaimed.released()) {
                    throw new RestoreFailedException(e.getMessage(), e);
                }
                throw e;
            }
            return new Result(report, started, untilImaged.heldFromNanos(), untilImaged.releasedAtNanos());
        }
    }
}
