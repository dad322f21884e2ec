package dev.upc.scheduler.service;

import dev.upc.protocol.BlobCapability;
import dev.upc.protocol.BlobToken;
import dev.upc.protocol.BlobTokenRequest;
import dev.upc.protocol.ImageArchive;
import dev.upc.protocol.JobOutput;
import dev.upc.scheduler.job.Job;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Store capabilities an agent asks for beyond those its commands carry ({@code POST /agents/{id}/blob-tokens}):
 * reading the image of a job it runs (or is about to restore, or keeps a stopped copy of), and writing the output
 * and log of the job it runs in the job's current epoch. Everything else is refused.
 */
@ApplicationScoped
public class BlobGrants {

    private final Pool pool;
    private final JobStore store;
    private final CapabilityTokens tokens;

    BlobGrants(Pool pool, JobStore store, CapabilityTokens tokens) {
        this.pool = pool;
        this.store = store;
        this.tokens = tokens;
    }

    public Uni<BlobToken> grant(String workerId, BlobTokenRequest request) {
        return store.activeOn(pool, workerId).map(jobs -> {
            if (!permitted(workerId, request, jobs)) {
                throw SchedulerException.forbidden("worker " + workerId + " may not " + request.operation() + " "
                        + BlobCapability.blobClaim(request.kind(), request.id())
                        + ": only the image of a job placed on it (read) and the output or log of a job running on"
                        + " it in that epoch (write)");
            }
            CapabilityTokens.Capability capability = tokens.blob(workerId, request.kind(), request.id(),
                    request.operation());
            return new BlobToken(request.kind(), request.id(), request.operation(), capability.token(),
                    capability.expiresAt());
        });
    }

    /** The rule, over the worker's unfinished jobs (those it runs, moves to or keeps a stopped copy of). */
    static boolean permitted(String workerId, BlobTokenRequest request, List<Job> jobs) {
        return switch (request.kind()) {
            case IMAGES -> BlobCapability.READ.equals(request.operation()) && jobs.stream()
                    .filter(job -> job.involves(workerId))
                    .anyMatch(job -> ImageArchive.blobId(job.spec().image()).equals(request.id()));
            case OUTPUTS -> BlobCapability.WRITE.equals(request.operation()) && jobs.stream()
                    .filter(job -> job.placedOn(workerId))
                    .anyMatch(job -> JobOutput.blobId(job.id(), job.epoch()).equals(request.id()));
            case CHECKPOINTS -> false; // come with the CHECKPOINT and RESTORE commands only
            case INPUTS -> BlobCapability.READ.equals(request.operation()) && jobs.stream()
                    .filter(job -> job.placedOn(workerId))
                    .anyMatch(job -> job.spec().inputs().stream().anyMatch(in -> request.id().equals(in.blobId())));
        };
    }
}
