package dev.upc.scheduler.snapshot;

import dev.upc.protocol.ContainerReport;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.JobState;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerInfo;
import dev.upc.protocol.WorkerRegistration;
import dev.upc.scheduler.job.Job;
import dev.upc.scheduler.learning.Learned;
import dev.upc.scheduler.owner.OwnerReports.Presence;
import dev.upc.scheduler.policy.ClusterSnapshot;
import dev.upc.scheduler.policy.HostFacts;
import dev.upc.scheduler.policy.JobView;
import dev.upc.scheduler.policy.WorkerView;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The policy's view of the cluster, from the registry's workers and the scheduler's unfinished jobs: what the planner
 * decides on each round and what a manual migration asks the policy about.
 */
public final class Snapshots {

    private static final long MIB = 1024L * 1024;

    private Snapshots() {
    }

    /** Everything the policy may look at, at {@code now}, before anything was learned. */
    public static ClusterSnapshot of(Instant now, List<WorkerInfo> workers, List<Job> activeJobs) {
        return of(now, workers, activeJobs, Learned.NOTHING);
    }

    /** Everything the policy may look at, at {@code now}: PCs rated and moves priced as {@code learned} says. */
    public static ClusterSnapshot of(Instant now, List<WorkerInfo> workers, List<Job> activeJobs, Learned learned) {
        return of(now, workers, activeJobs, learned, Map.of());
    }

    /**
     * The same, with what the agents reported straight to the scheduler about their owners ({@code presence}, by
     * worker id): it says whether the owner is back where it exists, and which running jobs are held suspended.
     */
    public static ClusterSnapshot of(Instant now, List<WorkerInfo> workers, List<Job> activeJobs, Learned learned,
                                     Map<String, Presence> presence) {
        Map<String, Double> reported = reportedCpu(workers);
        Map<String, Integer> reservedCpus = new HashMap<>();
        Map<String, Long> reservedMemory = new HashMap<>();
        for (Job job : activeJobs) {
            // Targets of migrations still checkpointing: the job will land there, so nothing else may take its room.
            if (job.targetWorkerId() != null && !job.state().terminal()) {
                reservedCpus.merge(job.targetWorkerId(), job.spec().cpus(), Integer::sum);
                reservedMemory.merge(job.targetWorkerId(), job.spec().memoryMiB(), Long::sum);
            }
        }
        Map<String, Instant> suspended = new HashMap<>();
        for (Job job : activeJobs) {
            Presence where = job.state() == JobState.RUNNING && job.workerId() != null
                    ? presence.get(job.workerId()) : null;
            if (where != null) {
                where.suspendedSince(job.id(), job.epoch()).ifPresent(since -> suspended.put(job.id(), since));
            }
        }
        return new ClusterSnapshot(now,
                workers.stream().map(info -> worker(info, learned, presence.get(info.workerId()))).toList(),
                activeJobs.stream().map(job -> job(job, reported)).toList(), reservedCpus, reservedMemory,
                learned.migrationCosts(), suspended);
    }

    /** The worker as the policy sees it, rated by its benchmark and, once measured, the CPU it really delivers. */
    public static WorkerView worker(WorkerInfo info, Learned learned) {
        return worker(info, learned, null);
    }

    /**
     * The same, with the owner's presence as the agent reported it straight to the scheduler, which wins over the
     * registry's heartbeat when there is one: it is at least as fresh (sent at the change, not on the next beat).
     */
    public static WorkerView worker(WorkerInfo info, Learned learned, Presence presence) {
        WorkerRegistration r = info.registration();
        WorkerView.Liveness liveness = switch (info.status()) {
            case ONLINE -> WorkerView.Liveness.ONLINE;
            case SUSPECT -> WorkerView.Liveness.SUSPECT;
            case LOST -> WorkerView.Liveness.LOST;
        };
        boolean ownerActive = presence != null ? presence.ownerActive()
                : info.latestReport() != null && info.latestReport().ownerState() == OwnerState.ACTIVE;
        // Drained by an admin, or shutting down (its agent said so): its jobs move away from a checkpoint either way.
        boolean draining = info.desiredState() == DesiredState.DRAIN || presence != null && presence.leaving();
        HostFacts facts = new HostFacts(orUnknown(r.arch()), Set.copyOf(r.cpuFlags()), orUnknown(r.ociRuntime()),
                r.criuVersion() == null ? "0" : r.criuVersion());
        return new WorkerView(info.workerId(), liveness, ownerActive, draining,
                learned.score(info.workerId(), r.benchmarkScore()), r.jobCpus(), r.lentMemoryMiB(), facts,
                r.lentDiskMiB());
    }

    /**
     * The CPU time each running container has used, from the workers' latest heartbeats, keyed by
     * {@link #containerKey}: between checkpoints it is the only news of a job's progress.
     */
    static Map<String, Double> reportedCpu(List<WorkerInfo> workers) {
        Map<String, Double> cpu = new HashMap<>();
        for (WorkerInfo worker : workers) {
            if (worker.latestReport() != null) {
                for (ContainerReport c : worker.latestReport().containers()) {
                    cpu.put(containerKey(worker.workerId(), c.jobId(), c.epoch()), c.cpuSeconds());
                }
            }
        }
        return cpu;
    }

    static JobView job(Job job, Map<String, Double> reportedCpu) {
        JobView.Phase phase = job.state() == JobState.QUEUED ? JobView.Phase.QUEUED
                : job.settled() ? JobView.Phase.RUNNING : JobView.Phase.BUSY;
        JobView.CheckpointRef checkpoint = job.checkpointBlobId() != null && job.checkpointFacts() != null
                ? new JobView.CheckpointRef(job.checkpointBlobId(), job.checkpointFacts()) : null;
        long bytes = job.checkpointBytes() != null ? job.checkpointBytes() : job.spec().memoryMiB() * MIB;
        return new JobView(job.id(), phase, job.workerId(), job.spec().cpus(), job.spec().memoryMiB(),
                job.spec().workEstimate(), workDone(job, reportedCpu), bytes, job.spec().migratable(), checkpoint,
                job.retries(), job.spec().maxRetries(), job.spec().checkpointIntervalSeconds(), job.placedAt(),
                job.lastCheckpointAt(), job.spec().diskMiB());
    }

    /** The job's progress: the latest event's, or its base plus what its container reported since, if more. */
    private static double workDone(Job job, Map<String, Double> reportedCpu) {
        double done = job.cpuSeconds() == null ? 0 : job.cpuSeconds();
        if (job.workerId() != null) {
            Double container = reportedCpu.get(containerKey(job.workerId(), job.id(), job.epoch()));
            if (container != null) {
                done = Math.max(done, job.cpuBase() + container);
            }
        }
        return done;
    }

    private static String containerKey(String workerId, String jobId, long epoch) {
        return workerId + "/" + jobId + "/" + epoch;
    }

    private static String orUnknown(String value) {
        return value == null || value.isBlank() ? "unknown" : value;
    }
}
