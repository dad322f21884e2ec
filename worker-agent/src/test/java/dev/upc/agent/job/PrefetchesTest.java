package dev.upc.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.libpod.RestoreReport;
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

    private final AtomicInteger polls = new AtomicInteger();
    private final List<String> restored = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();

    /** Libpod: stages what it reads, restores once claimed, restores nothing otherwise. */
    private final Prefetches.Restorer libpod = (download, name, quota, image, claimed, wait) -> {
        byte[] staged = download.readAllBytes();
        try {
            claimed.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            refused.add(name);
            throw new IOException("the end was held in vain", e);
        }
        restored.add(name + ":" + new String(staged));
        return new ArchiveImport.Result(new RestoreReport(name, staged.length, Duration.ofMillis(5),
                Duration.ofMillis(7)), true, Duration.ZERO, System.nanoTime() - 5_000_000);
    };

    /** The upload begins at the third poll. */
    private Optional<InputStream> uploadBeginsAtThirdPoll(String blobId, String token) {
        return polls.incrementAndGet() < 3 ? Optional.empty() : Optional.of(new ByteArrayInputStream(ARCHIVE));
    }

    @Test
    void theRestoreClaimsWhatWasStagedAndOnlyThenIsItRestored() throws Exception {
        Prefetches prefetches = new Prefetches(this::uploadBeginsAtThirdPoll, libpod, Duration.ofSeconds(20));
        prefetches.start("upc-j-2", "j-1-1", "token", 100_000, CompletableFuture.completedFuture(null));
        prefetches.start("upc-j-2", "j-1-1", "token", 100_000, CompletableFuture.completedFuture(null)); // again

        awaitPolls(3);
        Thread.sleep(100);
        assertThat(restored).as("nothing before the claim").isEmpty();

        Prefetches.Staged staged = prefetches.claim("upc-j-2", "j-1-1").orElseThrow();
        ArchiveImport.Result result = staged.await().orElseThrow();
        assertThat(restored).containsExactly("upc-j-2:a checkpoint archive");
        assertThat(polls.get()).as("one staging, however often the PREFETCH came").isEqualTo(3);
        assertThat(staged.transferAfterClaim(result)).isBetween(Duration.ZERO, Duration.ofSeconds(5));
        assertThat(prefetches.claim("upc-j-2", "j-1-1")).as("claimed once").isEmpty();
    }

    @Test
    void aRestoreOfAnotherBlobDropsThePrefetchWhichRestoresNothing() throws Exception {
        Prefetches prefetches = new Prefetches((blob, token) -> Optional.of(new ByteArrayInputStream(ARCHIVE)),
                libpod, Duration.ofSeconds(20));
        prefetches.start("upc-j-2", "j-1-1", "token", 100_000, CompletableFuture.completedFuture(null));

        assertThat(prefetches.claim("upc-j-2", "j-1-2")).isEmpty();
        awaitRefused("upc-j-2");
        assertThat(restored).isEmpty();
    }

    @Test
    void anUnclaimedPrefetchRestoresNothingAndMakesWayForAPlainRestore() throws Exception {
        Prefetches prefetches = new Prefetches((blob, token) -> Optional.of(new ByteArrayInputStream(ARCHIVE)),
                libpod, Duration.ofMillis(200));
        prefetches.start("upc-j-2", "j-1-1", "token", 100_000, CompletableFuture.completedFuture(null));

        awaitRefused("upc-j-2");
        Thread.sleep(50);
        assertThat(prefetches.claim("upc-j-2", "j-1-1")).as("gone: the RESTORE fetches the blob itself").isEmpty();
        assertThat(restored).isEmpty();
    }

    @Test
    void aFollowThatFailsLeavesTheRestoreToFetchTheBlobItself() throws Exception {
        CompletableFuture<Void> refusedByStore = new CompletableFuture<>();
        Prefetches prefetches = new Prefetches((blob, token) -> {
            refusedByStore.complete(null);
            throw new ControlPlaneException("GET: 403 forbidden", 403, "forbidden", null);
        }, libpod, Duration.ofSeconds(20));
        prefetches.start("upc-j-2", "j-1-1", "token", 100_000, CompletableFuture.completedFuture(null));
        refusedByStore.get(5, TimeUnit.SECONDS);

        Optional<Prefetches.Staged> staged = prefetches.claim("upc-j-2", "j-1-1");
        if (staged.isPresent()) { // claimed before the failure was cleared away: it reports nothing restored
            assertThat(staged.get().await()).isEmpty();
        }
        assertThat(restored).isEmpty();
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
