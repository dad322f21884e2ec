package dev.upc.scheduler.policy;

import java.util.HashMap;
import java.util.Map;

/** Free cores per worker during one round of decisions; placements and migrations take from it. */
final class Capacity {

    private final Map<String, Integer> free = new HashMap<>();

    Capacity(ClusterSnapshot snapshot) {
        for (WorkerView worker : snapshot.workers()) {
            free.put(worker.id(), worker.cpus());
        }
        for (JobView job : snapshot.jobs()) {
            if (job.workerId() != null && job.phase() != JobView.Phase.QUEUED) {
                free.computeIfPresent(job.workerId(), (id, cpus) -> cpus - job.cpus());
            }
        }
        snapshot.reservedCpus().forEach((worker, cpus) -> free.computeIfPresent(worker, (id, left) -> left - cpus));
    }

    int free(String workerId) {
        return free.getOrDefault(workerId, 0);
    }

    boolean fits(WorkerView worker, JobView job) {
        return worker.accepting() && free(worker.id()) >= job.cpus();
    }

    void take(String workerId, int cpus) {
        free.merge(workerId, -cpus, Integer::sum);
    }

    void release(String workerId, int cpus) {
        free.merge(workerId, cpus, Integer::sum);
    }
}
