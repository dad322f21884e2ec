package dev.upc.store.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.CheckpointId;
import dev.upc.store.blob.BlobKey;
import dev.upc.store.blob.FileBlobStore;
import dev.upc.store.testing.TestStoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep on a real file store: applies the plan, spares the rest, and removes abandoned uploads only. */
class RetentionSweepTest {

    @TempDir
    Path root;

    private final SteppedClock clock = new SteppedClock(Instant.parse("2025-03-01T00:00:00Z"));

    @Test
    void deletesWhatThePolicySaysAndAbandonedUploads() throws Exception {
        FileBlobStore store = new FileBlobStore(new TestStoreConfig(root), clock, new SimpleMeterRegistry());
        store.removeOrphanedUploads();
        for (int seq = 1; seq <= 4; seq++) {
            put(store, BlobKind.CHECKPOINTS, "job-1-1-" + seq);
            clock.advance(Duration.ofMinutes(1));
        }
        put(store, BlobKind.IMAGES, "base-image");
        clock.advance(Duration.ofDays(8));
        put(store, BlobKind.CHECKPOINTS, "job-2-1-1");

        Path abandoned = root.resolve("checkpoints").resolve(".upload-abandoned");
        Files.writeString(abandoned, "partial");
        Files.setLastModifiedTime(abandoned, FileTime.from(clock.instant().minus(Duration.ofMinutes(10))));
        Path inProgress = root.resolve("checkpoints").resolve(".upload-in-progress");
        Files.writeString(inProgress, "partial");
        Files.setLastModifiedTime(inProgress, FileTime.from(clock.instant().minusSeconds(5)));

        RetentionRules rules = new RetentionRules(OptionalInt.of(2), CheckpointId.PATTERN,
                Map.of(BlobKind.CHECKPOINTS, Duration.ofDays(7)), OptionalLong.empty());
        RetentionSweep sweep = new RetentionSweep(store, rules, Duration.ofMinutes(2), clock);

        RetentionSweep.Report report = sweep.sweep();

        assertThat(report.abandonedUploadsRemoved()).isEqualTo(1);
        assertThat(abandoned).doesNotExist();
        assertThat(inProgress).exists();
        // job-1's two oldest are superseded, its two newest expired (8 days); job-2 and the image stay.
        assertThat(report.deleted()).extracting(e -> e.blob().id())
                .containsExactlyInAnyOrder("job-1-1-1", "job-1-1-2", "job-1-1-3", "job-1-1-4");
        assertThat(store.list(BlobKind.CHECKPOINTS, "")).extracting(BlobInfo::id).containsExactly("job-2-1-1");
        assertThat(store.stat(new BlobKey(BlobKind.IMAGES, "base-image"))).isPresent();

        assertThat(sweep.sweep().deleted()).as("a second sweep finds nothing").isEmpty();
    }

    private static void put(FileBlobStore store, BlobKind kind, String id) throws Exception {
        store.put(new BlobKey(kind, id), new ByteArrayInputStream(id.getBytes()), Optional.empty());
    }

    private static final class SteppedClock extends Clock {

        private Instant now;

        SteppedClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
