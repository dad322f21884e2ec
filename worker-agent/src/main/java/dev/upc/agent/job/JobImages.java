package dev.upc.agent.job;

import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.StoreClient;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.ImageArchive;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Brings a job's image onto this PC before its container is created or restored: from the store's {@code images}
 * kind, which keeps the image id a checkpoint needs, else (when allowed) pulled from its registry.
 */
final class JobImages {

    private static final Logger LOG = Logger.getLogger(JobImages.class);
    private static final long MIB = 1024L * 1024;

    private final LibpodClient libpod;
    private final StoreClient store;
    private final BlobTokens tokens;
    private final boolean pullImages;

    JobImages(LibpodClient libpod, StoreClient store, BlobTokens tokens, boolean pullImages) {
        this.libpod = libpod;
        this.store = store;
        this.tokens = tokens;
        this.pullImages = pullImages;
    }

    /**
     * The image must be here before create or restore: from the store (keeps the image id), else pulled.
     *
     * @return how long bringing it here took, zero when it was here
     */
    Duration ensure(String image) {
        if (libpod.imageExists(image)) {
            return Duration.ZERO;
        }
        long begun = System.nanoTime();
        String blobId = ImageArchive.blobId(image);
        try {
            String token = tokens.token(BlobKind.IMAGES, blobId, BlobCapability.READ);
            try (StoreClient.Download archive = store.get(BlobKind.IMAGES, blobId, token)) {
                long started = System.nanoTime();
                List<String> loaded = libpod.loadImage(archive, -1);
                if (!loaded.isEmpty() && !libpod.imageExists(image)) {
                    // An archive pushed under another name than it was saved with (upc images push --from-archive):
                    // the store's name is the one jobs use; the image, and its id, stay the archive's.
                    libpod.tag(loaded.get(0), image);
                }
                LOG.infof("image=%s loaded from the store (images/%s, %d MiB) in %d ms", image, blobId,
                        archive.length() / MIB, (System.nanoTime() - started) / 1_000_000);
                return Duration.ofNanos(System.nanoTime() - begun);
            }
        } catch (ControlPlaneException e) {
            if (e.status() != 404 || !pullImages) {
                throw new IllegalStateException("image " + image + " is not on this PC and could not be loaded from"
                        + " the store (images/" + blobId + "): " + e.getMessage()
                        + (pullImages ? "" : "; pulling from registries is off (upc.agent.pull-images)"), e);
            }
        } catch (IOException e) {
            throw new IllegalStateException("loading image " + image + " from the store failed: " + e.getMessage(), e);
        }
        LOG.infof("image=%s not in the store: pulling it", image);
        libpod.pull(image);
        return Duration.ofNanos(System.nanoTime() - begun);
    }

    /**
     * The job's image, loaded beside the checkpoint's download when this PC lacks it (see {@link HeldEnd}); the
     * result is how long the loading took.
     */
    CompletableFuture<Duration> loadedBeside(String image) {
        if (libpod.imageExists(image)) {
            return CompletableFuture.completedFuture(Duration.ZERO);
        }
        CompletableFuture<Duration> loaded = new CompletableFuture<>();
        Thread loader = new Thread(() -> {
            try {
                loaded.complete(ensure(image));
            } catch (RuntimeException e) {
                loaded.completeExceptionally(e);
            }
        }, "upc-image-" + image);
        loader.setDaemon(true);
        loader.start();
        return loaded;
    }
}
