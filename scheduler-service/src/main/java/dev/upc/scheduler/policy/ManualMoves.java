package dev.upc.scheduler.policy;

import java.util.Comparator;
import java.util.Optional;

/**
 * The rule of a move someone asked for ({@code upc jobs migrate}): a requested worker must be able to take the job now
 * (online, lending, not drained, its owner away, with the job's cores and memory free, able to restore the job's
 * checkpoint); without a request, the policy's best such worker. Shared by the policies, which differ in the rank.
 */
final class ManualMoves {

    private ManualMoves() {
    }

    static MigrationTarget target(ClusterSnapshot snapshot, String jobId, Optional<String> requested,
                                  Comparator<WorkerView> best) {
        JobView job = snapshot.jobs().stream().filter(j -> j.id().equals(jobId)).findFirst().orElse(null);
        if (job == null || job.phase() != JobView.Phase.RUNNING || job.workerId() == null) {
            return new MigrationTarget.Refused("job_not_running", "job " + jobId + " is not running with nothing in flight");
        }
        WorkerView source = snapshot.workers().stream().filter(w -> w.id().equals(job.workerId())).findFirst()
                .orElse(null);
        Capacity capacity = new Capacity(snapshot);
        if (requested.isPresent()) {
            WorkerView target = snapshot.workers().stream().filter(w -> w.id().equals(requested.get())).findFirst()
                    .orElse(null);
            if (target == null) {
                return new MigrationTarget.Refused("unknown_worker", "no worker " + requested.get());
            }
            if (target.id().equals(job.workerId())) {
                return new MigrationTarget.Refused("same_worker", "job " + jobId + " already runs on " + target.id());
            }
            if (!target.accepting()) {
                return new MigrationTarget.Refused("worker_unavailable", "worker " + target.id() + " takes no jobs now ("
                        + target.liveness() + (target.ownerActive() ? ", owner active" : "")
                        + (target.draining() ? ", draining" : "") + (target.cpus() == 0 ? ", lends no cores" : "")
                        + ")");
            }
            if (!capacity.has(target.id(), job)) {
                return new MigrationTarget.Refused("worker_busy", "worker " + target.id() + " has "
                        + Math.max(0, capacity.free(target.id())) + " free core(s) and "
                        + Math.max(0, capacity.freeMemory(target.id())) + " MiB free; the job needs " + job.cpus()
                        + " and " + job.memoryMiB() + " MiB");
            }
            if (source != null && !target.facts().canRestoreFrom(source.facts())) {
                return new MigrationTarget.Refused("incompatible_worker", "worker " + target.id()
                        + " cannot restore a checkpoint taken on " + source.id()
                        + " (architecture, CPU flags, OCI runtime or CRIU version)");
            }
            return new MigrationTarget.Chosen(target.id(), target.facts());
        }
        return snapshot.workers().stream()
                .filter(w -> !w.id().equals(job.workerId()) && capacity.fits(w, job))
                .filter(w -> source == null || w.facts().canRestoreFrom(source.facts()))
                .min(best.thenComparing(WorkerView::id))
                .<MigrationTarget>map(w -> new MigrationTarget.Chosen(w.id(), w.facts()))
                .orElseGet(() -> new MigrationTarget.Refused("no_target",
                        "no other online, compatible worker has the cores and memory for job " + jobId + " now"));
    }
}
