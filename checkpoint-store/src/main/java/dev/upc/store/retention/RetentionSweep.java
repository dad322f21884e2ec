package dev.upc.store.retention;

import dev.upc.protocol.BlobInfo;
import dev.upc.protocol.BlobKind;
import dev.upc.store.blob.BlobKey;
import dev.upc.store.blob.BlobStore;
import dev.upc.store.config.StoreConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Applies {@link RetentionPolicy} to the store every {@code upc.store.retention.sweep-interval}, and removes
 * partial uploads nobody has written to for twice the upload idle timeout (an upload still in progress would
 * have been aborted by then and cleaned up by its own request; what is left is from a crash or a failed cleanup).
 */
@ApplicationScoped
public class RetentionSweep {

    private static final Logger LOG = Logger.getLogger(RetentionSweep.class);

    private final BlobStore store;
    private final RetentionRules rules;
    private final Duration abandonedUploadAge;
    private final Clock clock;

    @Inject
    RetentionSweep(BlobStore store, StoreConfig config, Clock clock) {
        this(store, RetentionRules.from(config.retention()), config.uploadIdleTimeout().multipliedBy(2), clock);
    }

    RetentionSweep(BlobStore store, RetentionRules rules, Duration abandonedUploadAge, Clock clock) {
        this.store = store;
        this.rules = rules;
        this.abandonedUploadAge = abandonedUploadAge;
        this.clock = clock;
    }

    @Scheduled(identity = "retention-sweep", every = "${upc.store.retention.sweep-interval}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() throws IOException {
        sweep();
    }

    /** One sweep; returns what it deleted. */
    public Report sweep() throws IOException {
        Instant now = clock.instant();
        int uploads = store.removeAbandonedUploads(now.minus(abandonedUploadAge));
        List<BlobInfo> blobs = new ArrayList<>();
        for (BlobKind kind : BlobKind.values()) {
            blobs.addAll(store.list(kind, ""));
        }
        List<Eviction> plan = RetentionPolicy.plan(blobs, now, rules);
        List<Eviction> done = new ArrayList<>();
        for (Eviction eviction : plan) {
            BlobInfo blob = eviction.blob();
            try {
                store.delete(new BlobKey(blob.kind(), blob.id()));
                done.add(eviction);
            } catch (IOException | RuntimeException e) {
                LOG.warnf("retention could not delete %s/%s: %s", blob.kind().pathSegment(), blob.id(), e.getMessage());
            }
        }
        if (uploads > 0 || !done.isEmpty()) {
            LOG.infof("retention sweep: deleted %d blobs (%d bytes), removed %d abandoned uploads", done.size(),
                    done.stream().mapToLong(e -> e.blob().size()).sum(), uploads);
        }
        return new Report(done, uploads);
    }

    public record Report(List<Eviction> deleted, int abandonedUploadsRemoved) {
    }
}
