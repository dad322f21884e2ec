package dev.upc.agent.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.driver.Restored;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The staging around libpod: polling for the upload, the claim by the RESTORE, and what happens to a prefetch that is
 * never claimed or claimed for another blob. Libpod's side is a stand-in that behaves as {@link ArchiveImport} does:
 * it reads the archive, then restores only if the claim comes within the wait. The real path, with podman and the
 * store, is in AgentIT.
 */
class PrefetchesTest {

    private static final byte[] ARCHIVE = "a checkpoint archive".getBytes();
    private static final String IMAGE = "localhost/upc/counter:1";

    private final AtomicInteger polls = new AtomicInteger();
    private final List<String> restored = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();

    /** Libpod: stages what it reads, restores once claimed (if CRIU agrees), restores nothing otherwise. */
    private final Prefetches.Restorer libpod = (download, name, image, quota, imageLoaded, claimed, wait) -> {
        long started = System.nanoTime();
        byte[] staged = download.readAllBytes();
        long downloaded = System.nanoTime();
        try {
            claimed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            refused.add(name);
            throw new IOException("the end was held in vain", e);
        }
        if (new String(staged).contains("refused by CRIU")) {
            throw new ArchiveImport.RestoreFailedException("criu: restore failed", null);
        }
        restored.add(name + ":" + new String(staged));
        return new ArchiveImport.Result(new Restored(staged.length, Duration.ofMillis(5), Duration.ofMillis(7)),
                started, downloaded, downloaded);
    };

    /** The upload begins at the third poll. */
    private Optional<InputStream> uploadBeginsAtThirdPoll(String blobId, String token) {
        return polls.incrementAndGet() < 3 ? Optional.empty() : Optional.of(new ByteArrayInputStream(ARCHIVE));
    }

    @Test
    void theRestoreClaimsWhatWasStagedAndOnlyThenIsItRestored() throws Exception {
        Prefetches prefetches = new Prefetches(this::uploadBeginsAtThirdPoll, libpod, Duration.ofSeconds(20));
        prefetches.start("upc-j-2", "j-1-1", "token", IMAGE, 100_000, CompletableFuture.completedFuture(null));
        prefetches.start("upc-j-2", "j-1-1", "token", IMAGE, 100_000, CompletableFuture.completedFuture(null)); // again

        awaitPolls(3);
        Thread.sleep(100);
        assertThat(restored).as("nothing before the claim").isEmpty();

        Prefetches.Staged staged = prefetches.claim("upc-j-2", "j-1-1", null).orElseThrow();
        ArchiveImport.Result result = staged.await().orElseThrow();
        assertThat(restored).containsExactly("upc-j-2:a checkpoint archive");
        assertThat(polls.get()).as("one staging, however often the PREFETCH came").isEqualTo(3);
        assertThat(result.downloadSince(staged.claimedAtNanos())).as("downloaded before the claim: hidden")
                .isEqualTo(Duration.ZERO);
        assertThat(result.downloadSince(result.startedNanos())).isPositive();
        assertThat(prefetches.claim("upc-j-2", "j-1-1", null)).as("claimed once").isEmpty();
    }

    @Test
    void aRestoreOfAnotherBlobDropsThePrefetchWhichRestoresNothing() throws Exception {
        Prefetches prefetches = new Prefetches((blob, token) -> Optional.of(new ByteArrayInputStream(ARCHIVE)),
                libpod, Duration.ofSeconds(20));
        prefetches.start("upc-j-2", "j-1-1", "token", IMAGE, 100_000, CompletableFuture.completedFuture(null));

        assertThat(prefetches.claim("upc-j-2", "j-1-2", null)).isEmpty();
        Thread.sleep(200);
        assertThat(prefetches.claim("upc-j-2", "j-1-1", null)).as("dropped").isEmpty();
        assertThat(restored).isEmpty();
    }

    @Test
    void anUnclaimedPrefetchRestoresNothingAndMakesWayForAPlainRestore() throws Exception {
        Prefetches prefetches = new Prefetches((blob, token) -> Optional.of(new ByteArrayInputStream(ARCHIVE)),
                libpod, Duration.ofMillis(200));
        prefetches.start("upc-j-2", "j-1-1", "token", IMAGE, 100_000, CompletableFuture.completedFuture(null));

        awaitRefused("upc-j-2");
        Thread.sleep(50);
        assertThat(prefetches.claim("upc-j-2", "j-1-1", null)).as("gone: the RESTORE fetches the blob itself").isEmpty();
        assertThat(restored).isEmpty();
    }

    @Test
    void aFollowThatFailsAfterTheClaimLeavesTheRestoreToFetchTheBlobItself() throws Exception {
        CompletableFuture<Void> claimedAlready = new CompletableFuture<>();
        Prefetches prefetches = new Prefetches((blob, token) -> {
            claimedAlready.join();
            throw new ControlPlaneException("GET: 403 forbidden", 403, "forbidden", null);
        }, libpod, Duration.ofSeconds(20));
        prefetches.start("upc-j-2", "j-1-1", "token", IMAGE, 100_000, CompletableFuture.completedFuture(null));

        Prefetches.Staged staged = prefetches.claim("upc-j-2", "j-1-1", null).orElseThrow();
        claimedAlready.complete(null);
        assertThat(staged.await()).as("no prefetch to use: the RESTORE falls back to a plain download").isEmpty();
        assertThat(restored).isEmpty();
    }

    @Test
    void aRestoreThatFailsOnceLibpodHadTheArchiveIsReportedNotRetried() throws Exception {
        Prefetches prefetches = new Prefetches(
                (blob, token) -> Optional.of(new ByteArrayInputStream("refused by CRIU".getBytes())), libpod,
                Duration.ofSeconds(20));
        prefetches.start("upc-j-2", "j-1-1", "token", IMAGE, 100_000, CompletableFuture.completedFuture(null));

        Prefetches.Staged staged = prefetches.claim("upc-j-2", "j-1-1", null).orElseThrow();
        assertThatThrownBy(staged::await).isInstanceOf(ArchiveImport.RestoreFailedException.class)
                .hasMessageContaining("criu");
    }

    @Test
    void aPrefetchOfAnotherBlobOrARunOfTheNameDropsTheStagingUnderWay() throws Exception {
        CompletableFuture<Void> never = new CompletableFuture<>();
        Prefetches prefetches = new Prefetches((blob, token) -> Optional.of(new ByteArrayInputStream(ARCHIVE)),
                libpod, Duration.ofSeconds(20));
        prefetches.start("upc-j-2", "j-1-1", "token", IMAGE, 100_000, never);
        prefetches.start("upc-j-2", "j-1-2", "token", IMAGE, 100_000, CompletableFuture.completedFuture(null));
        assertThat(prefetches.claim("upc-j-2", "j-1-2", null).orElseThrow().await()).as("the newer one was staged")
                .isPresent();

        prefetches.start("upc-j-3", "j-2-1", "token", IMAGE, 100_000, CompletableFuture.completedFuture(null));
        prefetches.drop("upc-j-3");
        assertThat(prefetches.claim("upc-j-3", "j-2-1", null)).isEmpty();
        Thread.sleep(200);
        assertThat(restored).containsExactly("upc-j-2:a checkpoint archive");
    }

    private void awaitPolls(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (polls.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(polls.get()).isGreaterThanOrEqualTo(count);
    }

    private void awaitRefused(String name) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!refused.contains(name) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(refused).contains(name);
    }
}
