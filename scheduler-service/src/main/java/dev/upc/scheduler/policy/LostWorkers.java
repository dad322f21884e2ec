package dev.upc.scheduler.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The rule every policy shares: jobs of a LOST worker go back to the queue, to resume from their
 * newest checkpoint (or from scratch), until they run out of retries.
 */
final class LostWorkers {

    private LostWorkers() {
    }

    /**
     * Adds recoveries and failures to the lists and returns the jobs as they will be queued (with a
     * retry counted), for placement in the same round.
     */
    static List<JobView> recover(ClusterSnapshot snapshot, List<Decisions.Recovery> recoveries,
                                 List<Decisions.Failure> failures) {
        Map<String, WorkerView> workers = snapshot.workers().stream()
                .collect(Collectors.toMap(WorkerView::id, Function.identity()));
        List<JobView> requeued = new ArrayList<>();
        for (JobView job : snapshot.jobs()) {
            WorkerView worker = job.workerId() == null ? null : workers.get(job.workerId());
            boolean lost = job.phase() != JobView.Phase.QUEUED
                    && (worker == null || worker.liveness() == WorkerView.Liveness.LOST);
            if (!lost) {
                continue;
            }
            if (job.retries() >= job.maxRetries()) {
                failures.add(new Decisions.Failure(job.id(), "worker " + job.workerId() + " lost and no retries left ("
                        + job.retries() + " of " + job.maxRetries() + " used)"));
                continue;
            }
            boolean fromCheckpoint = job.checkpoint() != null;
            recoveries.add(new Decisions.Recovery(job.id(), job.workerId(), fromCheckpoint));
            requeued.add(job.requeued(fromCheckpoint));
        }
        return requeued;
    }
}
