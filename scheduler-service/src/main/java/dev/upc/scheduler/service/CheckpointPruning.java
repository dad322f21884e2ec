package dev.upc.scheduler.service;

import dev.upc.protocol.BlobKind;
import dev.upc.protocol.JobState;
import dev.upc.scheduler.client.StoreClient;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Deletes a job's checkpoint blobs from the store once they are of no use: after a newer checkpoint was recorded all
 * but the newest one (and the one the job would resume from, if another), after the job finished all of them. Runs
 * after the transaction that made them useless has committed, never inside it, and never holds anything up: a failure
 * is logged and left to the next pruning of the job or to the store's own retention.
 */
@ApplicationScoped
public class CheckpointPruning {

    private static final Logger LOG = Logger.getLogger(CheckpointPruning.class);

    private final Pool pool;
    private final JobStore store;
    private final StoreClient blobs;
    private final Clock clock;

    CheckpointPruning(Pool pool, JobStore store, StoreClient blobs, Clock clock) {
        this.pool = pool;
        this.store = store;
        this.blobs = blobs;
        this.clock = clock;
    }

    void announce(@Observes StartupEvent event) {
        if (blobs.url().isEmpty()) {
            LOG.info("checkpoint pruning is off (upc.scheduler.store-url is not set): the store's retention removes"
                    + " old checkpoints");
        } else {
            LOG.infof("checkpoint pruning is on: superseded checkpoints are deleted from %s", blobs.url().get());
        }
    }

    /** A checkpoint of the job: its blob id and sequence number. */
    public record Stored(String blobId, long seq) {
    }

    /** The checkpoints to delete: all once the job finished, else all but the newest and the one it would resume from. */
    static List<String> obsolete(JobState state, String resumeFrom, List<Stored> stored) {
        if (state.terminal()) {
            return stored.stream().map(Stored::blobId).sorted().toList();
        }
        String newest = stored.stream().max(Comparator.comparingLong(Stored::seq)).map(Stored::blobId).orElse(null);
        return stored.stream().map(Stored::blobId)
                .filter(id -> !id.equals(newest) && !id.equals(resumeFrom)).sorted().toList();
    }

    /** Prune the job's checkpoints in the background; call after the transaction that changed it has committed. */
    public void afterCommit(String jobId) {
        if (blobs.url().isEmpty()) {
            return;
        }
        prune(jobId).subscribe().with(
                deleted -> LOG.debugf("pruned %d checkpoint(s) of job %s", deleted, jobId),
                failure -> LOG.warnf("cannot prune the checkpoints of job %s: %s", jobId, failure.toString()));
    }

    /** Deletes the job's obsolete checkpoints one after another; returns how many were deleted. */
    public Uni<Integer> prune(String jobId) {
        return store.find(pool, jobId).chain(job -> {
            if (job == null) {
                return Uni.createFrom().item(0);
            }
            return store.storedCheckpoints(pool, jobId).chain(stored -> {
                List<String> doomed = obsolete(job.state(), job.checkpointBlobId(), stored);
                if (doomed.isEmpty()) {
                    return Uni.createFrom().item(0);
                }
                Uni<Integer> chain = Uni.createFrom().item(0);
                for (String blobId : doomed) {
                    chain = chain.chain(count -> blobs.delete(BlobKind.CHECKPOINTS, blobId)
                            .chain(() -> store.checkpointDeleted(pool, blobId, clock.instant()))
                            .replaceWith(count + 1));
                }
                return chain;
            });
        });
    }
}
