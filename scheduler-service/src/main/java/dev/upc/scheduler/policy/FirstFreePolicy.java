package dev.upc.scheduler.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The simplest baseline: queued jobs, in order, each to the first worker with free cores, whatever
 * its speed. Never migrates; jobs of lost workers start again elsewhere.
 */
public final class FirstFreePolicy implements PlacementPolicy {

    @Override
    public String name() {
        return "first-free";
    }

    @Override
    public Decisions decide(ClusterSnapshot snapshot) {
        List<Decisions.Recovery> recoveries = new ArrayList<>();
        List<Decisions.Failure> failures = new ArrayList<>();
        List<JobView> queue = new ArrayList<>(LostWorkers.recover(snapshot, recoveries, failures));
        snapshot.jobs().stream().filter(job -> job.phase() == JobView.Phase.QUEUED).forEach(queue::add);
        List<WorkerView> workers = snapshot.workers().stream().sorted(Comparator.comparing(WorkerView::id)).toList();
        Capacity capacity = new Capacity(snapshot);
        List<Decisions.Placement> placements = new ArrayList<>();
        for (JobView job : queue) {
            for (WorkerView worker : workers) {
                boolean restorable = job.checkpoint() == null || worker.facts().canRestoreFrom(job.checkpoint().origin());
                if (restorable && capacity.fits(worker, job)) {
                    capacity.take(worker.id(), job);
                    placements.add(new Decisions.Placement(job.id(), worker.id(), job.checkpoint() != null));
                    break;
                }
            }
        }
        return new Decisions(placements, List.of(), List.of(), recoveries, failures, List.of());
    }

    /** The first worker (by id) that can take the job now. */
    @Override
    public MigrationTarget migrationTarget(ClusterSnapshot snapshot, String jobId, Optional<String> requested) {
        return ManualMoves.target(snapshot, jobId, requested, Comparator.comparing(WorkerView::id));
    }
}
