package dev.upc.scheduler.policy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Why each queued job the policy did not place is still waiting, in words a user can act on (Slurm's "Reason"
 * column): no PC online, none lends enough cores or memory, none can restore its checkpoint, the PCs that fit are in
 * their owners' use or drained, or they are busy. A pure function of the snapshot and the round's decisions, the
 * same for every policy.
 */
public final class WaitingReasons {

    private WaitingReasons() {
    }

    /** For each queued job not placed this round, why it waits. */
    public static Map<String, String> of(ClusterSnapshot snapshot, Decisions decisions) {
        Set<String> placed = new HashSet<>();
        decisions.placements().forEach(p -> placed.add(p.jobId()));
        decisions.recoveries().forEach(r -> placed.add(r.jobId()));
        Map<String, String> reasons = new HashMap<>();
        for (JobView job : snapshot.jobs()) {
            if (job.phase() == JobView.Phase.QUEUED && !placed.contains(job.id())) {
                reasons.put(job.id(), reason(snapshot.workers(), job));
            }
        }
        return reasons;
    }

    static String reason(List<WorkerView> workers, JobView job) {
        List<WorkerView> online = workers.stream().filter(w -> w.liveness() == WorkerView.Liveness.ONLINE).toList();
        if (online.isEmpty()) {
            return "no PC is online";
        }
        List<WorkerView> enoughCores = online.stream().filter(w -> w.cpus() >= job.cpus()).toList();
        if (enoughCores.isEmpty()) {
            int most = online.stream().mapToInt(WorkerView::cpus).max().orElse(0);
            return "no online PC lends " + job.cpus() + " cores (the most is " + most + ")";
        }
        List<WorkerView> enoughMemory = enoughCores.stream().filter(w -> w.memoryMiB() >= job.memoryMiB()).toList();
        if (enoughMemory.isEmpty()) {
            long most = enoughCores.stream().mapToLong(WorkerView::memoryMiB).max().orElse(0);
            return "no online PC with " + job.cpus() + " cores lends " + job.memoryMiB() + " MiB of memory (the most is "
                    + most + " MiB)";
        }
        List<WorkerView> enoughDisk = enoughMemory.stream().filter(w -> w.diskMiB() >= job.diskMiB()).toList();
        if (enoughDisk.isEmpty()) {
            long most = enoughMemory.stream().mapToLong(WorkerView::diskMiB).max().orElse(0);
            return "no online PC with " + job.cpus() + " cores and " + job.memoryMiB() + " MiB lets a job write "
                    + job.diskMiB() + " MiB to disk (the most is " + most + " MiB)";
        }
        List<WorkerView> compatible = job.checkpoint() == null ? enoughDisk : enoughDisk.stream()
                .filter(w -> w.facts().canRestoreFrom(job.checkpoint().origin())).toList();
        if (compatible.isEmpty()) {
            return "no online PC that fits can restore its checkpoint (taken on " + job.checkpoint().origin().arch()
                    + " with " + job.checkpoint().origin().ociRuntime() + ", CRIU "
                    + job.checkpoint().origin().criuVersion() + ")";
        }
        if (compatible.stream().noneMatch(WorkerView::accepting)) {
            long owners = compatible.stream().filter(WorkerView::ownerActive).count();
            long drained = compatible.stream().filter(WorkerView::draining).count();
            return "the " + compatible.size() + " PC(s) that fit are in use by their owners (" + owners
                    + ") or drained (" + drained + ")";
        }
        return "waiting for a PC that fits to free up (all " + compatible.stream().filter(WorkerView::accepting).count()
                + " are busy, or a faster one frees up soon)";
    }
}
