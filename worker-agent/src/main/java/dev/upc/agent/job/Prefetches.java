package dev.upc.agent.job;

import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.StoreClient;
import dev.upc.protocol.BlobKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.jboss.logging.Logger;

/**
 * Restores staged ahead of their RESTORE ({@code PREFETCH}): a migration's target follows the checkpoint into the
 * store while the source still uploads it, and streams it into libpod's restore with the end held back, so when the
 * RESTORE comes (after the scheduler recorded the CHECKPOINTED) the archive is already staged and only CRIU's restore
 * is left. Nothing is restored unless a RESTORE of the same container and blob {@link #claim claims} it: the
 * scheduler's order of CHECKPOINTED before RESTORE, which keeps a job from running twice, is unchanged. A staged
 * restore that fails, or is never claimed, restores nothing and leaves the RESTORE to fetch the blob itself.
 */
final class Prefetches {

    private static final Logger LOG = Logger.getLogger(Prefetches.class);
    /** How long the source's upload may take to begin (its dump comes first). */
    static final Duration UPLOAD_WAIT = Duration.ofMinutes(10);
    /** How long a staged archive waits for its RESTORE. */
    static final Duration CLAIM_WAIT = Duration.ofMinutes(1);
    private static final Duration FAST_POLL = Duration.ofMillis(50);
    private static final Duration SLOW_POLL = Duration.ofMillis(500);
    private static final Duration FAST_POLLING = Duration.ofSeconds(10);

    private final Follow follow;
    private final Restorer restorer;
    private final Duration claimWait;
    private final Map<String, Staged> byName = new ConcurrentHashMap<>();

    /** The store's follow of a checkpoint ({@link StoreClient#follow}); empty while its upload has not begun. */
    interface Follow {
        Optional<? extends InputStream> open(String blobId, String token);
    }

    /** Libpod's restore of a held-back archive ({@link ArchiveImport#restore}). */
    interface Restorer {
        ArchiveImport.Result restore(InputStream download, String name, String image, long quotaMicros,
                                     CompletableFuture<?> imageLoaded, CompletableFuture<?> claimed,
                                     Duration claimWait) throws IOException;
    }

    Prefetches(Follow follow, Restorer restorer, Duration claimWait) {
        this.follow = follow;
        this.restorer = restorer;
        this.claimWait = claimWait;
    }

    /** Through the store and libpod, as the agent does it. */
    static Prefetches of(StoreClient store, ArchiveImport imports) {
        return new Prefetches((blobId, token) -> store.follow(BlobKind.CHECKPOINTS, blobId, token), imports::restore,
                CLAIM_WAIT);
    }

    /** A restore being staged; its result is there once the claimed restore is done, or it failed. */
    static final class Staged {

        private final String blobId;
        private final CompletableFuture<Void> claimed = new CompletableFuture<>();
        private final CompletableFuture<ArchiveImport.Result> result = new CompletableFuture<>();
        private volatile long claimedAtNanos;
        private volatile InputStream download;
        /** The sha256 the RESTORE that claimed it names; null before the claim or when it names none. */
        private volatile String requiredSha256;

        Staged(String blobId) {
            this.blobId = blobId;
        }

        /**
         * Waits for the restore. Empty when the staging failed before libpod had the whole archive: nothing was
         * created, and the RESTORE fetches the blob itself.
         *
         * @throws ArchiveImport.RestoreFailedException libpod had the whole archive and the restore failed
         */
        Optional<ArchiveImport.Result> await() throws InterruptedException, IOException {
            try {
                return Optional.of(result.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ArchiveImport.RestoreFailedException failed) {
                    throw failed;
                }
                LOG.infof("the prefetch of %s failed before the restore: %s", blobId, Failures.describe(e.getCause()));
                return Optional.empty();
            }
        }

        /** When the RESTORE claimed it ({@link System#nanoTime()}). */
        long claimedAtNanos() {
            return claimedAtNanos;
        }

        /** Restores nothing: the held end fails, and the download is cut so that it fails now rather than later. */
        private void drop(String why) {
            claimed.completeExceptionally(new IOException(why));
            InputStream cut = download;
            if (cut != null) {
                try {
                    cut.close();
                } catch (IOException | RuntimeException ignored) {
                    // it fails anyway, at its end at the latest
                }
            }
        }
    }

    /** Starts staging {@code blobId} as {@code name}, unless that is under way already; drops one of another blob. */
    void start(String name, String blobId, String token, String image, long quotaMicros,
               CompletableFuture<?> imageLoaded) {
        Staged staged = new Staged(blobId);
        while (true) {
            Staged before = byName.putIfAbsent(name, staged);
            if (before == null) {
                break;
            }
            if (before.blobId.equals(blobId)) {
                return;
            }
            if (byName.replace(name, before, staged)) {
                before.drop("a prefetch of " + blobId + " came instead");
                break;
            }
            // the one before ended or was claimed meanwhile: look again
        }
        Thread thread = new Thread(() -> stage(staged, name, token, image, quotaMicros, imageLoaded),
                "upc-prefetch-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The staged restore of {@code name} from {@code blobId}, now released to restore; empty when there is none. One
     * of another blob is dropped (its stream fails, so libpod restores nothing).
     */
    Optional<Staged> claim(String name, String blobId, String sha256) {
        Staged staged = byName.remove(name);
        if (staged == null) {
            return Optional.empty();
        }
        if (!staged.blobId.equals(blobId)) {
            staged.drop("a RESTORE of " + blobId + " came instead");
            return Optional.empty();
        }
        if (sha256 != null) {
            staged.requiredSha256 = sha256; // read by the staging once its download is open, if it is not yet
            if (!requires(staged.download, sha256)) {
                staged.drop("the store's " + blobId + " is not the blob its source stored");
                return Optional.empty();
            }
        }
        staged.claimedAtNanos = System.nanoTime();
        staged.claimed.complete(null);
        return Optional.of(staged);
    }

    /** Whether {@code download} may still be the blob with that sha256 (a store's download checks it at its end). */
    private static boolean requires(InputStream download, String sha256) {
        return !(download instanceof StoreClient.Download d) || d.require(sha256);
    }

    /** Drops the staging for {@code name}, if any: a RUN of that container comes instead. */
    void drop(String name) {
        Staged staged = byName.remove(name);
        if (staged != null) {
            staged.drop("a RUN of " + name + " came instead");
        }
    }

    private void stage(Staged staged, String name, String token, String image, long quotaMicros,
                       CompletableFuture<?> imageLoaded) {
        try (InputStream download = awaitUpload(staged, token)) {
            staged.download = download;
            if (staged.claimed.isCompletedExceptionally()) {
                throw new IOException("dropped");
            }
            String required = staged.requiredSha256;
            if (required != null && !requires(download, required)) {
                throw new IOException("the store's " + staged.blobId + " is not the blob its source stored");
            }
            staged.result.complete(restorer.restore(download, name, image, quotaMicros, imageLoaded, staged.claimed,
                    claimWait));
        } catch (IOException | RuntimeException e) {
            staged.result.completeExceptionally(e);
        } finally {
            byName.remove(name, staged); // unclaimed: a later RESTORE fetches the blob itself
        }
    }

    /** Follows the upload once it began: polls the store, fast at first, while the source dumps. */
    private InputStream awaitUpload(Staged staged, String token) throws IOException {
        long started = System.nanoTime();
        while (true) {
            if (staged.claimed.isCompletedExceptionally()) {
                throw new IOException("dropped before the upload began");
            }
            Optional<? extends InputStream> download;
            try {
                download = follow.open(staged.blobId, token);
            } catch (ControlPlaneException e) {
                throw new IOException("cannot follow the upload of " + staged.blobId + ": " + e.getMessage(), e);
            }
            if (download.isPresent()) {
                return download.get();
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            if (waited.compareTo(UPLOAD_WAIT) > 0) {
                throw new IOException("the upload of " + staged.blobId + " did not begin within "
                        + UPLOAD_WAIT.toMinutes() + " min");
            }
            try {
                Thread.sleep((waited.compareTo(FAST_POLLING) < 0 ? FAST_POLL : SLOW_POLL).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the upload of " + staged.blobId);
            }
        }
    }
}
