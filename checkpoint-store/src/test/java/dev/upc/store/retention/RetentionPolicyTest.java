package dev.upc.store.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.CheckpointId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    private static final Instant NOW = Instant.parse("2025-03-10T12:00:00Z");
    private static final Pattern JOB = CheckpointId.PATTERN;

    @Test
    void keepsTheNewestKCheckpointsOfEachJob() {
        List<BlobInfo> blobs = List.of(
                checkpoint("job-7-1-1", 100, hoursAgo(5)), checkpoint("job-7-1-2", 100, hoursAgo(4)),
                checkpoint("job-7-2-1", 100, hoursAgo(3)), checkpoint("job-7-2-2", 100, hoursAgo(2)),
                checkpoint("job-8-1-1", 100, hoursAgo(9)), checkpoint("free-form-name", 100, hoursAgo(50)));

        List<Eviction> plan = RetentionPolicy.plan(blobs, NOW, rules(2, Map.of(), null));

        assertThat(ids(plan)).containsExactlyInAnyOrder("job-7-1-1", "job-7-1-2");
        assertThat(plan).allMatch(e -> e.reason() == Eviction.Reason.SUPERSEDED);
    }

    @Test
    void newestIsByCommitTimeNotByName() {
        List<BlobInfo> blobs = List.of(checkpoint("job-1-9-1", 1, hoursAgo(3)), checkpoint("job-1-10-1", 1, hoursAgo(1)));

        assertThat(ids(RetentionPolicy.plan(blobs, NOW, rules(1, Map.of(), null)))).containsExactly("job-1-9-1");
    }

    @Test
    void expiresByAgePerKindAndImagesAreExemptUnlessConfigured() {
        List<BlobInfo> blobs = List.of(
                checkpoint("job-1-1-1", 1, hoursAgo(24 * 8)), checkpoint("job-2-1-1", 1, hoursAgo(24 * 6)),
                blob(BlobKind.OUTPUTS, "out-1", 1, hoursAgo(24 * 31)), blob(BlobKind.OUTPUTS, "out-2", 1, hoursAgo(1)),
                blob(BlobKind.IMAGES, "base", 1, hoursAgo(24 * 365)));

        List<Eviction> plan = RetentionPolicy.plan(blobs, NOW, rules(null,
                Map.of(BlobKind.CHECKPOINTS, Duration.ofDays(7), BlobKind.OUTPUTS, Duration.ofDays(30)), null));

        assertThat(ids(plan)).containsExactlyInAnyOrder("job-1-1-1", "out-1");
        assertThat(plan).allMatch(e -> e.reason() == Eviction.Reason.EXPIRED);

        assertThat(ids(RetentionPolicy.plan(blobs, NOW, rules(null, Map.of(BlobKind.IMAGES, Duration.ofDays(90)), null))))
                .containsExactly("base");
    }

    @Test
    void inputsExpireByTheirAgeAndAreNeverEvictedForSize() {
        List<BlobInfo> blobs = List.of(
                blob(BlobKind.INPUTS, "old-input", 1000, hoursAgo(24 * 31)),
                blob(BlobKind.INPUTS, "queued-input", 1000, hoursAgo(24 * 29)),
                checkpoint("job-1-1-1", 100, hoursAgo(1)));

        List<Eviction> plan = RetentionPolicy.plan(blobs, NOW, rules(null, Map.of(BlobKind.INPUTS, Duration.ofDays(30)), 10L));

        assertThat(plan).extracting(e -> e.blob().id(), Eviction::reason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("old-input", Eviction.Reason.EXPIRED),
                org.assertj.core.groups.Tuple.tuple("job-1-1-1", Eviction.Reason.OVER_BUDGET));
    }

    @Test
    void overBudgetEvictsOldestCheckpointsAndEachJobsNewestLast() {
        List<BlobInfo> blobs = List.of(
                blob(BlobKind.IMAGES, "huge-image", 1000, hoursAgo(100)),
                blob(BlobKind.OUTPUTS, "old-output", 100, hoursAgo(90)),
                checkpoint("job-1-1-1", 100, hoursAgo(10)),   // job-1's newest
                checkpoint("job-2-1-1", 100, hoursAgo(9)),
                checkpoint("job-2-1-2", 100, hoursAgo(8)),
                checkpoint("job-2-1-3", 100, hoursAgo(1)));   // job-2's newest

        // 1500 in all; budget 1300: two of job-2's older checkpoints go, though job-1's newest is older.
        List<Eviction> plan = RetentionPolicy.plan(blobs, NOW, rules(null, Map.of(), 1300L));
        assertThat(ids(plan)).containsExactly("job-2-1-1", "job-2-1-2");
        assertThat(plan).allMatch(e -> e.reason() == Eviction.Reason.OVER_BUDGET);

        // Budget 1150: then the newest ones too, oldest first; never the image or the output.
        assertThat(ids(RetentionPolicy.plan(blobs, NOW, rules(null, Map.of(), 1150L))))
                .containsExactly("job-2-1-1", "job-2-1-2", "job-1-1-1", "job-2-1-3");
        assertThat(ids(RetentionPolicy.plan(blobs, NOW, rules(null, Map.of(), 10L))))
                .doesNotContain("huge-image", "old-output");
    }

    @Test
    void rulesCombineAndBudgetCountsWhatIsLeft() {
        List<BlobInfo> blobs = List.of(
                checkpoint("job-1-1-1", 500, hoursAgo(30)), checkpoint("job-1-1-2", 500, hoursAgo(20)),
                checkpoint("job-1-1-3", 100, hoursAgo(10)), checkpoint("job-2-1-1", 100, hoursAgo(24 * 10)));

        List<Eviction> plan = RetentionPolicy.plan(blobs, NOW,
                rules(2, Map.of(BlobKind.CHECKPOINTS, Duration.ofDays(7)), 700L));

        assertThat(plan).extracting(e -> e.blob().id() + ":" + e.reason()).containsExactlyInAnyOrder(
                "job-1-1-1:SUPERSEDED", "job-2-1-1:EXPIRED");
    }

    @Test
    void anEmptyStoreOrNoRulesDeleteNothing() {
        assertThat(RetentionPolicy.plan(List.of(), NOW, rules(1, Map.of(), 0L))).isEmpty();
        assertThat(RetentionPolicy.plan(List.of(checkpoint("job-1-1-1", 5, hoursAgo(1000))), NOW,
                rules(null, Map.of(), null))).isEmpty();
    }

    private static RetentionRules rules(Integer keep, Map<BlobKind, Duration> maxAge, Long budget) {
        return new RetentionRules(keep == null ? OptionalInt.empty() : OptionalInt.of(keep), JOB, maxAge,
                budget == null ? OptionalLong.empty() : OptionalLong.of(budget));
    }

    private static List<String> ids(List<Eviction> plan) {
        List<String> ids = new ArrayList<>();
        plan.forEach(e -> ids.add(e.blob().id()));
        return ids;
    }

    private static Instant hoursAgo(long hours) {
        return NOW.minus(Duration.ofHours(hours));
    }

    private static BlobInfo checkpoint(String id, long size, Instant created) {
        return blob(BlobKind.CHECKPOINTS, id, size, created);
    }

    private static BlobInfo blob(BlobKind kind, String id, long size, Instant created) {
        return new BlobInfo(kind, id, size, "0".repeat(64), created);
    }
}
