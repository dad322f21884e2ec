package dev.upc.scheduler.access;

import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerRegistration;
import dev.upc.scheduler.client.WorkerDirectory;
import dev.upc.scheduler.config.SchedulerConfig;
import dev.upc.scheduler.service.SchedulerException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Refuses at submission a job that no PC of the cluster could ever run: more cores and memory together than any
 * registered PC lends, or more disk than any such PC lets one job write, online now or not (Slurm's "Requested node configuration is not available"). A job that fits
 * some PC that is offline, busy or in its owner's use is queued and says why it waits; so is every job while no PC
 * has registered yet, or while the registry cannot be read (the cluster may be starting: better queued than refused).
 *
 * <p>The PCs are read from the registry at most once per {@code upc.scheduler.registry.reconcile-interval}, and only
 * when submissions come.
 */
@ApplicationScoped
public class JobFit {

    private static final Logger LOG = Logger.getLogger(JobFit.class);

    private final WorkerDirectory directory;
    private final long maxAgeNanos;
    private final LongSupplier ticker;
    private volatile List<WorkerRegistration> pcs;
    private volatile long readAt;

    @Inject
    JobFit(WorkerDirectory directory, SchedulerConfig config) {
        this(directory, config.registry().reconcileInterval().toNanos(), System::nanoTime);
    }

    JobFit(WorkerDirectory directory, long maxAgeNanos, LongSupplier ticker) {
        this.directory = directory;
        this.maxAgeNanos = maxAgeNanos;
        this.ticker = ticker;
    }

    /** Fails with 400 {@code no_pc_fits} when no registered PC lends what {@code job} asks for. */
    public Uni<Void> check(JobSubmission job) {
        return pcs().invoke(known -> misfit(known, job.cpus(), job.memoryMiB(), job.diskMiB()).ifPresent(message -> {
            throw SchedulerException.invalidCode("no_pc_fits", "cpus", message);
        })).replaceWithVoid();
    }

    private Uni<List<WorkerRegistration>> pcs() {
        List<WorkerRegistration> cached = pcs;
        long now = ticker.getAsLong();
        if (cached != null && now - readAt < maxAgeNanos) {
            return Uni.createFrom().item(cached);
        }
        return directory.workers().map(workers -> {
            List<WorkerRegistration> read = workers.stream().map(WorkerInfo::registration).toList();
            pcs = read;
            readAt = now;
            return read;
        }).onFailure().recoverWithItem(failure -> {
            LOG.debugf("cannot read the PCs to check a submission against, queueing it: %s", failure.toString());
            return List.of();
        });
    }

    /**
     * Why no PC of {@code pcs} can run a job of {@code cpus} cores and {@code memoryMiB}; empty when one can, or when
     * there are no PCs at all.
     */
    static Optional<String> misfit(List<WorkerRegistration> pcs, int cpus, long memoryMiB, long diskMiB) {
        if (pcs.isEmpty() || pcs.stream().anyMatch(pc -> pc.jobCpus() >= cpus && pc.lentMemoryMiB() >= memoryMiB
                && pc.lentDiskMiB() >= diskMiB)) {
            return Optional.empty();
        }
        if (pcs.stream().anyMatch(pc -> pc.jobCpus() >= cpus && pc.lentMemoryMiB() >= memoryMiB)) {
            long most = pcs.stream().filter(pc -> pc.jobCpus() >= cpus && pc.lentMemoryMiB() >= memoryMiB)
                    .mapToLong(WorkerRegistration::lentDiskMiB).max().orElseThrow();
            return Optional.of("no PC of the cluster (" + pcs.size() + " registered) with " + cpus + " cores and "
                    + memoryMiB + " MiB lets a job write " + diskMiB + " MiB to disk (the most is " + most
                    + " MiB): ask for less (diskMiB)");
        }
        WorkerRegistration mostCores = pcs.stream().max(Comparator.comparingInt(WorkerRegistration::jobCpus)
                .thenComparingLong(WorkerRegistration::lentMemoryMiB)).orElseThrow();
        WorkerRegistration mostMemory = pcs.stream().max(Comparator.comparingLong(WorkerRegistration::lentMemoryMiB)
                .thenComparingInt(WorkerRegistration::jobCpus)).orElseThrow();
        String largest = lends(mostCores).equals(lends(mostMemory)) ? "the largest lends " + lends(mostCores)
                : "the largest lend " + lends(mostCores) + ", or " + lends(mostMemory);
        return Optional.of("no PC of the cluster (" + pcs.size() + " registered) lends " + cpus + " cores and "
                + memoryMiB + " MiB together (" + largest + "): ask for less");
    }

    private static String lends(WorkerRegistration pc) {
        return pc.jobCpus() + (pc.jobCpus() == 1 ? " core" : " cores") + " and " + pc.lentMemoryMiB() + " MiB";
    }
}
