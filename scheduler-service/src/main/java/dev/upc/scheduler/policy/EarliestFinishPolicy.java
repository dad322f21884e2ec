package dev.upc.scheduler.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * UPC's policy. Queued jobs go where they are expected to finish earliest, which may mean waiting a
 * little for a much faster PC. With {@link PolicySettings#migrateForSpeed()}, running jobs move to a
 * faster free PC when the time they save beats the cost of moving plus a margin; PCs whose owner came
 * back or that are drained are vacated; jobs of lost PCs resume from their newest checkpoint; and
 * jobs are checkpointed periodically. Without it, this is the earliest-finish baseline.
 *
 * <p>Estimates are in seconds from now. Ties go to the lower worker id, so decisions are repeatable.
 */
public final class EarliestFinishPolicy implements PlacementPolicy {

    /** Which estimate a job without one is assumed to match (see {@link #unknownWorkPrior}). */
    private static final double UNKNOWN_PERCENTILE = 0.95;

    private final PolicySettings settings;

    public EarliestFinishPolicy(PolicySettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return settings.migrateForSpeed() ? "upc-migration" : "earliest-finish";
    }

    @Override
    public Decisions decide(ClusterSnapshot snapshot) {
        Round round = new Round(snapshot);
        List<JobView> queue = new ArrayList<>(LostWorkers.recover(snapshot, round.recoveries, round.failures));
        Set<String> requeued = new HashSet<>();
        queue.forEach(job -> requeued.add(job.id()));
        if (settings.migrateForSpeed()) {
            round.vacate(requeued);
        }
        for (JobView job : snapshot.jobs()) {
            if (job.phase() == JobView.Phase.QUEUED) {
                queue.add(job);
            }
        }
        if (settings.migrateForSpeed()) {
            // Before the queue takes the free cores: a running job longer than every queued one deserves a freed
            // fast worker more than they do (longest-first, kept up as workers free), and its slow cores go to them.
            round.migrateForSpeed(requeued, queue);
        }
        round.place(queue);
        if (settings.migrateForSpeed()) {
            round.migrateForSpeed(requeued, List.of());
            round.periodicCheckpoints(requeued);
        }
        return new Decisions(round.placements, round.migrations, round.evictions, round.recoveries, round.failures,
                round.checkpoints);
    }

    /** Where the job would finish earliest, counting the move's cost, among the workers that can take it now. */
    @Override
    public MigrationTarget migrationTarget(ClusterSnapshot snapshot, String jobId, Optional<String> requested) {
        double unknownWork = unknownWorkPrior(snapshot);
        JobView job = snapshot.jobs().stream().filter(j -> j.id().equals(jobId)).findFirst().orElse(null);
        double remaining = job == null ? 0 : job.remainingWork(unknownWork);
        int cpus = job == null ? 1 : job.cpus();
        return ManualMoves.target(snapshot, jobId, requested, Comparator.comparingDouble(w -> remaining / w.speed(cpus)));
    }

    /**
     * What a job without estimate is assumed to need: as much as the long jobs at hand (the 95th percentile of the
     * estimates, at least the configured default). Unknown jobs are thus treated as long and start early on fast
     * PCs: a long job started late on a slow PC is what stretches a batch's end, while a short one started early
     * costs little. Not the longest estimate: one overestimated job would then put every unknown job ahead of the
     * truly long ones, which end up on slow PCs.
     */
    private double unknownWorkPrior(ClusterSnapshot snapshot) {
        double[] known = snapshot.jobs().stream().filter(job -> job.workEstimate() != null)
                .mapToDouble(JobView::workEstimate).sorted().toArray();
        double longJob = known.length == 0 ? 0
                : known[Math.min(known.length - 1, (int) Math.floor(UNKNOWN_PERCENTILE * known.length))];
        return Math.max(settings.unknownWork(), longJob);
    }

    /** The mutable state of one call to {@link #decide}: capacity left and decisions so far. */
    private final class Round {
        private final ClusterSnapshot snapshot;
        private final Instant now;
        private final Capacity capacity;
        private final Map<String, WorkerView> workers = new HashMap<>();
        private final List<WorkerView> workersById;
        private final Set<String> moving = new HashSet<>();
        /** Where the jobs moving this round go: their cores there are busy for the rest of their run. */
        private final Map<String, WorkerView> movingTo = new HashMap<>();
        private final double unknownWork;
        /** Whether a queued job still waits after placement: then free cores may soon be wanted by it. */
        private boolean jobsWaiting;
        final List<Decisions.Placement> placements = new ArrayList<>();
        final List<Decisions.Migration> migrations = new ArrayList<>();
        final List<Decisions.Eviction> evictions = new ArrayList<>();
        final List<Decisions.Recovery> recoveries = new ArrayList<>();
        final List<Decisions.Failure> failures = new ArrayList<>();
        final List<Decisions.PeriodicCheckpoint> checkpoints = new ArrayList<>();

        Round(ClusterSnapshot snapshot) {
            this.snapshot = snapshot;
            this.now = snapshot.now();
            this.capacity = new Capacity(snapshot);
            snapshot.workers().forEach(worker -> workers.put(worker.id(), worker));
            this.workersById = snapshot.workers().stream().sorted(Comparator.comparing(WorkerView::id)).toList();
            this.unknownWork = unknownWorkPrior(snapshot);
        }

        /** Jobs on PCs whose owner is back or that are drained: move them to the best free PC, or off to the queue. */
        void vacate(Set<String> requeued) {
            for (JobView job : snapshot.jobs()) {
                WorkerView source = job.workerId() == null ? null : workers.get(job.workerId());
                if (job.phase() != JobView.Phase.RUNNING || requeued.contains(job.id()) || source == null
                        || source.liveness() == WorkerView.Liveness.LOST) {
                    continue;
                }
                Decisions.Reason reason = source.draining() ? Decisions.Reason.DRAIN
                        : source.ownerActive() ? Decisions.Reason.OWNER_ACTIVE : null;
                if (reason == null) {
                    continue;
                }
                if (!job.migratable()) {
                    // It cannot move: a drain lets it finish; the owner's PC holds it suspended up to the longest
                    // wait, then it is killed and starts again elsewhere, as HTCondor vacates a vanilla job.
                    if (reason == Decisions.Reason.OWNER_ACTIVE && heldAtLeastMax(job)) {
                        moving.add(job.id());
                        evictions.add(new Decisions.Eviction(job.id(), source.id(), reason, false));
                    }
                    continue;
                }
                double remaining = remaining(job);
                WorkerView best = null;
                double bestFinish = Double.MAX_VALUE;
                for (WorkerView target : workersById) {
                    if (target != source && capacity.fits(target, job) && target.facts().canRestoreFrom(source.facts())) {
                        double finish = moveSeconds(job, source, target) + remaining / target.speed(job.cpus());
                        if (finish < bestFinish) {
                            bestFinish = finish;
                            best = target;
                        }
                    }
                }
                moving.add(job.id());
                if (best == null && reason == Decisions.Reason.OWNER_ACTIVE && heldLessThanMax(job)) {
                    continue; // suspended where it is, costing the owner no CPU: wait for a free PC or the owner
                }
                if (best == null) {
                    evictions.add(new Decisions.Eviction(job.id(), source.id(), reason));
                } else {
                    capacity.take(best.id(), job);
                    movingTo.put(job.id(), best);
                    migrations.add(new Decisions.Migration(job.id(), source.id(), best.id(), reason, 0));
                }
            }
        }

        /** Whether its agent has held the job suspended for the longest a job may wait so, or longer. */
        private boolean heldAtLeastMax(JobView job) {
            return snapshot.suspendedSince().containsKey(job.id()) && !heldLessThanMax(job);
        }

        /** Whether its agent holds the job suspended, for less than the longest a job may wait so. */
        private boolean heldLessThanMax(JobView job) {
            Instant since = snapshot.suspendedSince().get(job.id());
            return since != null && Duration.between(since, now).toMillis() < settings.maxSuspendSeconds() * 1000;
        }

        /**
         * Longest job first, each to the worker where it would finish earliest, counting when a
         * busy worker's cores come free. A job whose best worker is busy waits (its cores on that
         * worker are booked for the rest of the round, so later jobs plan around it). Arrays, not
         * maps, in the inner loop: it runs jobs × workers times.
         */
        void place(List<JobView> queue) {
            List<JobView> ordered = new ArrayList<>(queue);
            Map<String, Double> remainingOf = new HashMap<>();
            ordered.forEach(job -> remainingOf.put(job.id(), remaining(job)));
            ordered.sort(Comparator.comparingDouble((JobView job) -> -remainingOf.get(job.id())).thenComparing(JobView::id));
            List<WorkerView> accepting = workersById.stream().filter(WorkerView::accepting).toList();
            double[][] coreFreeAt = coreFreeTimes(accepting);
            double[] score = accepting.stream().mapToDouble(WorkerView::score).toArray();
            for (JobView job : ordered) {
                double remaining = remainingOf.get(job.id());
                int cpus = job.cpus();
                double start = job.checkpoint() != null ? moveSeconds(job, null, null) : settings.startSeconds();
                int best = -1;
                double bestFinish = Double.MAX_VALUE;
                for (int i = 0; i < score.length; i++) {
                    double[] cores = coreFreeAt[i];
                    if (cores.length < cpus || accepting.get(i).memoryMiB() < job.memoryMiB()) {
                        continue; // could never hold the job
                    }
                    double finish = cores[cpus - 1] + start + remaining / (score[i] * cpus);
                    if (finish < bestFinish && (job.checkpoint() == null
                            || accepting.get(i).facts().canRestoreFrom(job.checkpoint().origin()))) {
                        bestFinish = finish;
                        best = i;
                    }
                }
                if (best < 0) {
                    continue;
                }
                double[] cores = coreFreeAt[best];
                boolean freeNow = cores[cpus - 1] == 0;
                for (int i = 0; i < cpus; i++) {
                    cores[i] = bestFinish;
                }
                Arrays.sort(cores);
                WorkerView worker = accepting.get(best);
                if (freeNow && capacity.fits(worker, job)) {
                    capacity.take(worker.id(), job);
                    placements.add(new Decisions.Placement(job.id(), worker.id(), job.checkpoint() != null));
                } else {
                    jobsWaiting = true;
                }
            }
        }

        /** For each accepting worker, when each of its cores is expected to be free (0 = now), ascending. */
        private double[][] coreFreeTimes(List<WorkerView> accepting) {
            Map<String, List<Double>> busy = new HashMap<>();
            for (JobView job : snapshot.jobs()) {
                WorkerView worker = moving.contains(job.id()) ? movingTo.get(job.id())
                        : job.workerId() == null ? null : workers.get(job.workerId());
                if (worker == null || job.phase() == JobView.Phase.QUEUED) {
                    continue;
                }
                double left = remaining(job) / worker.speed(job.cpus())
                        + (moving.contains(job.id()) ? moveSeconds(job, workers.get(job.workerId()), worker) : 0);
                for (int i = 0; i < job.cpus(); i++) {
                    busy.computeIfAbsent(worker.id(), id -> new ArrayList<>()).add(left);
                }
            }
            double[][] result = new double[accepting.size()][];
            for (int w = 0; w < accepting.size(); w++) {
                WorkerView worker = accepting.get(w);
                int free = Math.max(0, capacity.free(worker.id()));
                double[] cores = new double[Math.max(worker.cpus(), free)];
                List<Double> taken = busy.getOrDefault(worker.id(), List.of());
                for (int i = free; i < cores.length; i++) {
                    int k = i - free;
                    cores[i] = k < taken.size() ? taken.get(k) : 0;
                }
                Arrays.sort(cores);
                result[w] = cores;
            }
            return result;
        }

        /**
         * Running jobs move to a faster free worker when the time saved beats the move's cost plus a margin. With
         * {@code queue} non-empty only jobs with more remaining work than every queued job may move (the queued
         * ones would take the free worker otherwise), and the relative margin applies.
         */
        void migrateForSpeed(Set<String> requeued, List<JobView> queue) {
            double longestQueued = 0;
            for (JobView q : queue) {
                longestQueued = Math.max(longestQueued, remaining(q));
            }
            boolean waiting = jobsWaiting || !queue.isEmpty();
            record Candidate(JobView job, WorkerView from, WorkerView to, double gain) {
            }
            List<WorkerView> free = workersById.stream().filter(w -> w.accepting() && capacity.free(w.id()) > 0).toList();
            if (free.isEmpty()) {
                return;
            }
            List<Candidate> candidates = new ArrayList<>();
            for (JobView job : snapshot.jobs()) {
                WorkerView from = job.workerId() == null ? null : workers.get(job.workerId());
                if (job.phase() != JobView.Phase.RUNNING || !job.migratable() || from == null || !from.accepting()
                        || requeued.contains(job.id()) || moving.contains(job.id()) || tooRecent(job)) {
                    continue;
                }
                double remaining = remaining(job);
                if (remaining < longestQueued) {
                    continue; // a longer queued job deserves the faster worker more
                }
                double here = remaining / from.speed(job.cpus());
                // The relative margin guards against estimates that are off. With no job waiting, a free
                // faster worker would otherwise stay idle, so only the absolute margin must be beaten.
                double threshold = settings.marginSeconds() + (waiting ? settings.marginFraction() * here : 0);
                for (WorkerView to : free) {
                    if (to == from || !capacity.has(to.id(), job) || !to.facts().canRestoreFrom(from.facts())) {
                        continue;
                    }
                    double gain = here - (moveSeconds(job, from, to) + remaining / to.speed(job.cpus()));
                    if (gain > threshold) {
                        candidates.add(new Candidate(job, from, to, gain));
                    }
                }
            }
            candidates.sort(Comparator.comparingDouble((Candidate c) -> -c.gain())
                    .thenComparing(c -> c.job().id()).thenComparing(c -> c.to().id()));
            for (Candidate c : candidates) {
                if (moving.contains(c.job().id()) || !capacity.has(c.to().id(), c.job())) {
                    continue;
                }
                moving.add(c.job().id());
                movingTo.put(c.job().id(), c.to());
                capacity.take(c.to().id(), c.job());
                capacity.release(c.from().id(), c.job());
                migrations.add(new Decisions.Migration(c.job().id(), c.from().id(), c.to().id(),
                        Decisions.Reason.FASTER_WORKER, c.gain()));
            }
        }

        private double remaining(JobView job) {
            return job.remainingWork(unknownWork);
        }

        /** The measured cost of moving {@code job} from → to (either unknown: over all routes). */
        private double moveSeconds(JobView job, WorkerView from, WorkerView to) {
            return snapshot.migrationCosts().seconds(settings, from == null ? null : from.id(),
                    to == null ? null : to.id(), job.checkpointBytes());
        }

        private boolean tooRecent(JobView job) {
            return job.since() != null
                    && Duration.between(job.since(), now).toMillis() < settings.minResidenceSeconds() * 1000;
        }

        /** Checkpoint (and keep running) each job whose interval has passed since its last checkpoint or start. */
        void periodicCheckpoints(Set<String> requeued) {
            for (JobView job : snapshot.jobs()) {
                WorkerView worker = job.workerId() == null ? null : workers.get(job.workerId());
                if (job.phase() != JobView.Phase.RUNNING || !job.migratable() || job.checkpointIntervalSeconds() <= 0
                        || worker == null || worker.liveness() != WorkerView.Liveness.ONLINE
                        || requeued.contains(job.id()) || moving.contains(job.id())) {
                    continue;
                }
                Instant last = job.lastCheckpointAt() != null ? job.lastCheckpointAt() : job.since();
                if (last == null || !now.isBefore(last.plusSeconds(job.checkpointIntervalSeconds()))) {
                    checkpoints.add(new Decisions.PeriodicCheckpoint(job.id(), worker.id()));
                }
            }
        }
    }
}
