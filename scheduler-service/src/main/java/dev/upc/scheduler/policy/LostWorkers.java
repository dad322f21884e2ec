package dev.upc.scheduler.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The rule every policy shares: jobs of a LOST worker go back to the queue, to resume from their
 * newest checkpoint (or from scratch), until they run out of retries. When a large share of the PCs went silent at
 * once (a lab's power cut, a switch), only the jobs of {@link ClusterSnapshot#lostWorkerAllowance()} lost workers go
 * this round, those seen first by id; the others keep their jobs until a later round, as Kubernetes' node lifecycle
 * slows evictions when a zone goes unhealthy. Their agents hold the jobs meanwhile (their lease), so none runs twice.
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
        Set<String> givenAway = givenAway(snapshot, workers);
        List<JobView> requeued = new ArrayList<>();
        for (JobView job : snapshot.jobs()) {
            WorkerView worker = job.workerId() == null ? null : workers.get(job.workerId());
            boolean lost = job.phase() != JobView.Phase.QUEUED
                    && (worker == null || worker.liveness() == WorkerView.Liveness.LOST);
            if (!lost || worker != null && !givenAway.contains(worker.id())) {
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

    /** The lost workers whose jobs go this round: all, or the allowance's first by id. */
    private static Set<String> givenAway(ClusterSnapshot snapshot, Map<String, WorkerView> workers) {
        TreeSet<String> lostWithJobs = new TreeSet<>();
        for (JobView job : snapshot.jobs()) {
            WorkerView worker = job.workerId() == null ? null : workers.get(job.workerId());
            if (job.phase() != JobView.Phase.QUEUED && worker != null
                    && worker.liveness() == WorkerView.Liveness.LOST) {
                lostWithJobs.add(worker.id());
            }
        }
        return lostWithJobs.stream().limit(snapshot.lostWorkerAllowance()).collect(Collectors.toSet());
    }
}
