package dev.upc.agent.job;

import dev.upc.agent.checkpoint.ArchiveRefusedException;
import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.DamagedBlobException;
import dev.upc.agent.control.StoreClient;
import dev.upc.agent.driver.TaskDriver;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskStatus;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.BlobKind;
import dev.upc.protocol.JobSubmission;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * RESTORE and PREFETCH: a job's checkpoint brought back to life on this PC — from its own kept dump when this PC took
 * it (a rolled-back move), from a prefetch staged while the source uploaded, or straight from the store.
 */
final class Restores {

    private static final Logger LOG = Logger.getLogger(Restores.class);

    private final TaskDriver driver;
    private final StoreClient store;
    private final AgentState state;
    private final JobRunner.Limits limits;
    private final ExitWatch exits;
    private final LogShipper logs;
    private final ArchiveImport imports;
    private final Prefetches prefetches;
    private final JobImages images;
    private final TakenDown takenDown;

    Restores(TaskDriver driver, StoreClient store, AgentState state, JobRunner.Limits limits, ExitWatch exits,
             LogShipper logs, ArchiveImport imports, Prefetches prefetches, JobImages images, TakenDown takenDown) {
        this.driver = driver;
        this.store = store;
        this.state = state;
        this.limits = limits;
        this.exits = exits;
        this.logs = logs;
        this.imports = imports;
        this.prefetches = prefetches;
        this.images = images;
        this.takenDown = takenDown;
    }

    List<AgentEvent> restore(AgentCommand c, String name) {
        JobSubmission job = JobRunner.require(c.job(), c, "a RESTORE without a job spec");
        String blobId = JobRunner.require(c.blobId(), c, "a RESTORE without a blob id");
        String token = JobRunner.require(c.capabilityToken(), c, "a RESTORE without a capability token");
        double cpus = limits.cpusFor(job);
        Optional<TaskStatus> before = driver.inspect(TaskHandle.of(name));
        if (before.isPresent()) {
            if (before.get().running()) {
                state.remember(JobRunner.managed(c, name, job, cpus));
                exits.watch(name);
                logs.follow(name, c.jobId(), c.epoch());
                return List.of(Events.restored(c, Duration.ZERO, Duration.ZERO, Duration.ZERO));
            }
            takenDown.killQuietly(name, null); // a half-done earlier attempt: start over
        }
        Optional<List<AgentEvent>> inPlace = restoreOwnDump(c, name, blobId, job, cpus);
        if (inPlace.isPresent()) {
            return inPlace.get(); // this PC's own kept dump: the way back when its archive never reached the store
        }
        // From the store, the digest its source reported is what makes the store's word about the blob unnecessary:
        // without it, no restore (the scheduler sends it with every RESTORE of a checkpoint it recorded).
        JobRunner.require(c.blobSha256(), c, "a RESTORE from the store without its checkpoint's sha256");
        state.remember(JobRunner.managed(c, name, job, cpus));
        ArchiveImport.Result result;
        long since; // the downtime's share of the download and the image starts here
        try {
            Optional<Prefetches.Staged> staged = prefetches.claim(name, blobId, c.blobSha256());
            Optional<ArchiveImport.Result> prefetched = staged.isPresent() ? staged.get().await() : Optional.empty();
            if (prefetched.isPresent()) {
                result = prefetched.get();
                since = staged.get().claimedAtNanos();
                LOG.infof("container=%s restored from its prefetch of %s; %d ms of the transfer were left at the "
                        + "RESTORE", name, blobId, result.downloadSince(since).toMillis());
            } else {
                // Sent chunked: the download fails instead of ending when its sha256 is wrong, so libpod never sees
                // the end of a damaged archive and restores nothing.
                try (StoreClient.Download download = store.get(BlobKind.CHECKPOINTS, blobId, token)) {
                    if (c.blobSha256() != null && !download.require(c.blobSha256())) {
                        throw new DamagedBlobException("the store's " + blobId + " has sha256 " + download.sha256Hex()
                                + ", not the " + c.blobSha256() + " its source reported");
                    }
                    result = imports.restore(download, name, job.image(), limits.quotaMicros(cpus),
                            images.loadedBeside(job.image()),
                            CompletableFuture.completedFuture(null), null);
                }
                since = result.startedNanos();
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            state.forget(name);
            // A damaged or refused archive is the checkpoint's fault, not this PC's: say so, and the scheduler does
            // without it instead of trying it again elsewhere.
            String refused = checkpointAtFault(e) ? blobId : null;
            return List.of(Events.failed(c, "restore of " + blobId + " as " + name + " failed: " + Failures.describe(e),
                    refused));
        }
        exits.watch(name);
        logs.follow(name, c.jobId(), c.epoch()); // the restored log begins with the lines the checkpoint carried
        return List.of(Events.restored(c, result.imageSince(since), result.downloadSince(since),
                result.report().restored()));
    }

    /**
     * Whether the restore failed because of the checkpoint itself, whatever PC tried: its bytes are not the ones its
     * source stored (the store found it corrupt on its disk, or this PC got other bytes), or it asks for more than the
     * job may have.
     */
    private static boolean checkpointAtFault(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DamagedBlobException || t instanceof ArchiveRefusedException
                    || t instanceof ControlPlaneException c && "blob_corrupt".equals(c.error())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts staging a migration's checkpoint while its source uploads it (see {@link Prefetches}); answered at once.
     * A re-delivery, or one for a container this PC already has, changes nothing.
     */
    List<AgentEvent> prefetch(AgentCommand c, String name) {
        JobSubmission job = JobRunner.require(c.job(), c, "a PREFETCH without a job spec");
        String blobId = JobRunner.require(c.blobId(), c, "a PREFETCH without a blob id");
        String token = JobRunner.require(c.capabilityToken(), c, "a PREFETCH without a capability token");
        if (driver.inspect(TaskHandle.of(name)).isEmpty()) {
            prefetches.start(name, blobId, token, job.image(), limits.quotaMicros(limits.cpusFor(job)),
                    images.loadedBeside(job.image()));
        }
        return List.of(Events.accepted(c));
    }

    /**
     * A restore of a blob this PC dumped itself and still holds (the source of a migration whose restore failed
     * elsewhere): rename the kept container to the new epoch's name and restore it from its own dump. No transfer,
     * and no dependence on the archive's copy in the store. Empty when that is not the case or it fails.
     */
    private Optional<List<AgentEvent>> restoreOwnDump(AgentCommand c, String name, String blobId, JobSubmission job,
                                                      double cpus) {
        Optional<ManagedContainer> kept = state.containers().values().stream()
                .filter(m -> m.jobId().equals(c.jobId()) && blobId.equals(m.dumpBlobId()) && !m.name().equals(name))
                .findFirst();
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        ManagedContainer source = kept.get();
        long started = System.nanoTime();
        boolean renamed = false;
        try {
            Optional<TaskStatus> info = driver.inspect(TaskHandle.of(source.name()));
            if (info.isEmpty() || !info.get().checkpointed()) {
                return Optional.empty();
            }
            takenDown.add(source.name());
            try {
                driver.rename(TaskHandle.of(source.name()), TaskHandle.of(name));
                renamed = true;
            } finally {
                takenDown.remove(source.name());
            }
            state.remember(source.renamed(name, c.epoch(), c.commandId()));
            state.forget(source.name());
            exits.forget(source.name());
            logs.release(source.name());
            driver.restoreInPlace(TaskHandle.of(name));
        } catch (RuntimeException e) {
            LOG.warnf("container=%s: restoring its own dump as %s failed (%s); restoring from the store instead",
                    source.name(), name, Failures.describe(e));
            if (renamed) {
                undoRename(source, name);
            }
            return Optional.empty();
        }
        applyLimits(name, job, cpus);
        exits.watch(name);
        logs.follow(name, c.jobId(), c.epoch());
        Duration restore = Duration.ofNanos(System.nanoTime() - started);
        LOG.infof("container=%s restored in place from its own dump of %s as %s in %d ms", source.name(), blobId, name,
                restore.toMillis());
        return Optional.of(List.of(Events.restored(c, Duration.ZERO, Duration.ZERO, restore)));
    }

    /** Gives the kept container its old name back, so the new epoch's name is free for a restore from the store. */
    private void undoRename(ManagedContainer source, String name) {
        try {
            driver.rename(TaskHandle.of(name), TaskHandle.of(source.name()));
            state.remember(source);
            state.forget(name);
        } catch (RuntimeException e) {
            LOG.warnf("container=%s: could not take back its name %s (%s); removing it", name, source.name(),
                    Failures.describe(e));
            takenDown.killQuietly(name, null);
            state.forget(name);
        }
    }

    private void applyLimits(String name, JobSubmission job, double cpus) {
        try {
            driver.limit(TaskHandle.of(name), limits.forTask(cpus, job));
        } catch (RuntimeException e) {
            LOG.warnf(e, "container=%s restored, but this PC's limits could not be applied", name);
        }
    }
}
