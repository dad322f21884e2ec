package dev.upc.scheduler.policy;

import java.util.HashMap;
import java.util.Map;

/** Free cores and memory per worker during one round of decisions; placements and migrations take from them. */
final class Capacity {

    private final Map<String, Integer> free = new HashMap<>();
    private final Map<String, Long> freeMemory = new HashMap<>();
    /** Not a pool: the most one job may write to disk on each worker. */
    private final Map<String, Long> diskPerJob = new HashMap<>();

    Capacity(ClusterSnapshot snapshot) {
        for (WorkerView worker : snapshot.workers()) {
            free.put(worker.id(), worker.cpus());
            freeMemory.put(worker.id(), worker.memoryMiB());
            diskPerJob.put(worker.id(), worker.diskMiB());
        }
        for (JobView job : snapshot.jobs()) {
            if (job.workerId() != null && job.phase() != JobView.Phase.QUEUED) {
                free.computeIfPresent(job.workerId(), (id, cpus) -> cpus - job.cpus());
                freeMemory.computeIfPresent(job.workerId(), (id, mib) -> mib - job.memoryMiB());
            }
        }
        snapshot.reservedCpus().forEach((worker, cpus) -> free.computeIfPresent(worker, (id, left) -> left - cpus));
        snapshot.reservedMemoryMiB().forEach((worker, mib) ->
                freeMemory.computeIfPresent(worker, (id, left) -> left - mib));
    }

    int free(String workerId) {
        return free.getOrDefault(workerId, 0);
    }

    long freeMemory(String workerId) {
        return freeMemory.getOrDefault(workerId, 0L);
    }

    /** The worker takes new work and has the job's cores and memory free. */
    boolean fits(WorkerView worker, JobView job) {
        return worker.accepting() && has(worker.id(), job);
    }

    /** The worker has the job's cores and memory free, and lets a job write as much to disk as it may. */
    boolean has(String workerId, JobView job) {
        return free(workerId) >= job.cpus() && freeMemory(workerId) >= job.memoryMiB()
                && diskPerJob.getOrDefault(workerId, 0L) >= job.diskMiB();
    }

    void take(String workerId, JobView job) {
        free.merge(workerId, -job.cpus(), Integer::sum);
        freeMemory.merge(workerId, -job.memoryMiB(), Long::sum);
    }

    void release(String workerId, JobView job) {
        free.merge(workerId, job.cpus(), Integer::sum);
        freeMemory.merge(workerId, job.memoryMiB(), Long::sum);
    }
}
