package dev.upc.scheduler.planner;

import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.JobState;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerStatus;
import dev.upc.scheduler.job.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Running jobs whose container is gone from a PC that is still online: the PC lost its power and came back before
 * lost-after, or its containers were removed behind its agent's back. Nothing else would notice: the PC is online, so
 * its jobs are not a lost worker's, and the job would stay RUNNING there for good (the soak found it). Its heartbeats
 * stop listing the container; once every heartbeat received over {@code after} has left it out, the copy is given up
 * and the job recovered as a lost worker's is, from its checkpoint. The first misses are remembered in memory only: a
 * planner that took over starts counting again, which only delays the recovery.
 */
final class VanishedCopies {

    /** As many containers as a heartbeat may list: a full list may leave one out. */
    private static final int FULL_REPORT = 256;

    private record Copy(String jobId, long epoch, String workerId) {
    }

    private final Duration after;
    private final Map<Copy, Instant> missedSince = new HashMap<>();

    VanishedCopies(Duration after) {
        this.after = after;
    }

    /**
     * The jobs whose copy is gone, judged from the workers' latest heartbeats; notes the first miss of the others.
     * Call once per planning round.
     */
    synchronized List<String> vanished(List<WorkerInfo> workers, Map<String, Job> active) {
        Map<String, WorkerInfo> byId = workers.stream().collect(Collectors.toMap(WorkerInfo::workerId,
                Function.identity(), (a, b) -> a));
        Map<Copy, Instant> missing = new HashMap<>();
        for (Job job : active.values()) {
            WorkerInfo worker = job.state() == JobState.RUNNING ? byId.get(job.workerId()) : null;
            if (worker == null || worker.status() != WorkerStatus.ONLINE || worker.latestReport() == null
                    || worker.lastSeenAt() == null) {
                continue;
            }
            List<ContainerReport> listed = worker.latestReport().containers();
            boolean there = listed.stream().anyMatch(c -> c.jobId().equals(job.id()) && c.epoch() == job.epoch());
            if (!there && listed.size() < FULL_REPORT) {
                missing.put(new Copy(job.id(), job.epoch(), job.workerId()), worker.lastSeenAt());
            }
        }
        missedSince.keySet().retainAll(missing.keySet());
        List<String> gone = new ArrayList<>();
        missing.forEach((copy, seenAt) -> {
            Instant first = missedSince.putIfAbsent(copy, seenAt);
            if (first != null && !seenAt.isBefore(first.plus(after))) {
                gone.add(copy.jobId());
            }
        });
        gone.sort(null);
        return gone;
    }
}
