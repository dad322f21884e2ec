package dev.upc.store.retention;

import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which blobs to delete, as a pure function of a listing, the time and the rules (no I/O: the sweep applies it).
 *
 * <p>Rules apply in order, each to what the previous left: (1) per job, checkpoints beyond the newest
 * {@code keepPerJob} are superseded; (2) blobs older than their kind's max age expire; (3) while the total size
 * exceeds the budget, checkpoints are evicted oldest first, but every job's newest checkpoint only after all
 * older ones, since that is what a lost worker's job restores from. Images, outputs and inputs are never evicted
 * for size, only checkpoints are candidates. "Newest" is by commit time, then id.
 */
public final class RetentionPolicy {

    private static final Comparator<BlobInfo> OLDEST_FIRST =
            Comparator.comparing(BlobInfo::createdAt).thenComparing(BlobInfo::id);

    private RetentionPolicy() {
    }

    public static List<Eviction> plan(List<BlobInfo> blobs, Instant now, RetentionRules rules) {
        Map<BlobInfo, Eviction.Reason> evictions = new LinkedHashMap<>();
        List<BlobInfo> checkpoints = blobs.stream().filter(b -> b.kind() == BlobKind.CHECKPOINTS)
                .sorted(OLDEST_FIRST.reversed()).toList();

        Map<String, List<BlobInfo>> byJob = new LinkedHashMap<>();
        for (BlobInfo checkpoint : checkpoints) {
            rules.jobOf(checkpoint.id()).ifPresent(job -> byJob.computeIfAbsent(job, j -> new ArrayList<>()).add(checkpoint));
        }
        if (rules.keepPerJob().isPresent()) {
            int keep = rules.keepPerJob().getAsInt();
            for (List<BlobInfo> newestFirst : byJob.values()) {
                newestFirst.stream().skip(keep).forEach(b -> evictions.put(b, Eviction.Reason.SUPERSEDED));
            }
        }

        for (BlobInfo blob : blobs) {
            Duration maxAge = rules.maxAge().get(blob.kind());
            if (maxAge != null && !evictions.containsKey(blob) && blob.createdAt().plus(maxAge).isBefore(now)) {
                evictions.put(blob, Eviction.Reason.EXPIRED);
            }
        }

        if (rules.sizeBudgetBytes().isPresent()) {
            long budget = rules.sizeBudgetBytes().getAsLong();
            long total = blobs.stream().filter(b -> !evictions.containsKey(b)).mapToLong(BlobInfo::size).sum();
            Set<BlobInfo> newestOfJob = new HashSet<>();
            Map<String, BlobInfo> newest = new HashMap<>();
            for (BlobInfo checkpoint : checkpoints) {
                if (!evictions.containsKey(checkpoint)) {
                    rules.jobOf(checkpoint.id()).ifPresent(job -> newest.putIfAbsent(job, checkpoint));
                }
            }
            newestOfJob.addAll(newest.values());
            List<BlobInfo> candidates = checkpoints.stream().filter(b -> !evictions.containsKey(b))
                    .sorted(Comparator.<BlobInfo, Boolean>comparing(newestOfJob::contains).thenComparing(OLDEST_FIRST))
                    .toList();
            for (BlobInfo candidate : candidates) {
                if (total <= budget) {
                    break;
                }
                evictions.put(candidate, Eviction.Reason.OVER_BUDGET);
                total -= candidate.size();
            }
        }

        List<Eviction> plan = new ArrayList<>();
        evictions.forEach((blob, reason) -> plan.add(new Eviction(blob, reason)));
        return plan;
    }
}
