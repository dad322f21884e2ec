package dev.upc.scheduler.simulation;

import dev.upc.scheduler.policy.ClusterSnapshot;
import dev.upc.scheduler.policy.Decisions;
import dev.upc.scheduler.policy.JobView;
import dev.upc.scheduler.policy.PlacementPolicy;
import dev.upc.scheduler.policy.PolicySettings;
import dev.upc.scheduler.policy.WorkerView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A discrete-time simulation (one-second steps) that drives a {@link PlacementPolicy} exactly as the
 * scheduler does: it builds a snapshot, asks for decisions whenever something changed (and every
 * {@code planEvery} seconds), and carries them out with the costs of {@link PolicySettings}. A job
 * on a PC whose owner is active makes no progress until it is moved away or the owner leaves.
 */
public final class Simulator {

    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    private static final double LIMIT_SECONDS = 10_000_000;

    private final PolicySettings costs;
    private final int planEvery;

    public Simulator(PolicySettings costs, int planEvery) {
        this.costs = costs;
        this.planEvery = planEvery;
    }

    public Result run(Scenario scenario, PlacementPolicy policy) {
        Map<String, Scenario.Pc> pcs = new HashMap<>();
        scenario.pcs().forEach(pc -> pcs.put(pc.id(), pc));
        List<SimJob> jobs = scenario.jobs().stream().map(SimJob::new).toList();
        Map<String, SimJob> byId = new HashMap<>();
        jobs.forEach(job -> byId.put(job.spec.id(), job));
        int done = 0;
        int migrations = 0;
        int evictions = 0;
        long decideNanos = 0;
        int decideCalls = 0;
        double makespan = 0;
        double runSeconds = 0;
        double turnaround = 0;
        boolean[] ownerWas = new boolean[scenario.pcs().size()];
        boolean finished = false;
        for (int t = 0; done < jobs.size(); t++) {
            if (t > LIMIT_SECONDS) {
                throw new IllegalStateException(policy.name() + " did not finish " + scenario.name());
            }
            boolean changed = finished || t % planEvery == 0; // a finished job frees cores: plan at once
            finished = false;
            for (int i = 0; i < scenario.pcs().size(); i++) {
                boolean active = scenario.pcs().get(i).ownerActiveAt(t);
                changed |= active != ownerWas[i];
                ownerWas[i] = active;
            }
            for (SimJob job : jobs) {
                if (job.state == State.PENDING && job.spec.submitAt() <= t) {
                    job.state = State.QUEUED;
                    changed = true;
                }
                if ((job.state == State.STARTING || job.state == State.MOVING) && job.busyUntil <= t) {
                    job.state = State.RUNNING;
                    job.since = t;
                    changed = true;
                }
            }
            if (changed) {
                long start = System.nanoTime();
                Decisions decisions = policy.decide(snapshot(t, scenario, pcs, jobs));
                decideNanos += System.nanoTime() - start;
                decideCalls++;
                for (Decisions.Placement placement : decisions.placements()) {
                    SimJob job = byId.get(placement.jobId());
                    job.state = State.STARTING;
                    job.worker = placement.workerId();
                    job.busyUntil = t + (job.hasCheckpoint ? costs.migrationSeconds(job.spec.memoryBytes())
                            : costs.startSeconds());
                }
                for (Decisions.Migration migration : decisions.migrations()) {
                    SimJob job = byId.get(migration.jobId());
                    job.state = State.MOVING;
                    job.worker = migration.to();
                    job.hasCheckpoint = true;
                    job.busyUntil = t + costs.migrationSeconds(job.spec.memoryBytes());
                    migrations++;
                }
                for (Decisions.Eviction eviction : decisions.evictions()) {
                    SimJob job = byId.get(eviction.jobId());
                    job.state = State.QUEUED;
                    job.previousWorker = job.worker;
                    job.worker = null;
                    job.hasCheckpoint = eviction.checkpoint();
                    if (!eviction.checkpoint()) {
                        job.workDone = 0; // killed: it starts again from scratch
                    }
                    evictions++;
                }
            }
            for (SimJob job : jobs) { // progress during [t, t+1)
                if (job.state != State.RUNNING) {
                    continue;
                }
                Scenario.Pc pc = pcs.get(job.worker);
                if (pc.ownerActiveAt(t)) {
                    runSeconds++; // held on the PC, making no progress
                    continue;
                }
                double speed = pc.score() * job.spec.cpus();
                double left = job.spec.work() - job.workDone;
                if (left <= speed) {
                    job.workDone = job.spec.work();
                    job.state = State.DONE;
                    makespan = Math.max(makespan, t + left / speed);
                    runSeconds += left / speed;
                    turnaround += t + left / speed - job.spec.submitAt();
                    done++;
                    finished = true;
                } else {
                    runSeconds++;
                    job.workDone += speed;
                }
            }
        }
        return new Result(scenario.name(), policy.name(), makespan, scenario.lowerBound(), migrations, evictions,
                decideCalls, decideNanos, runSeconds, turnaround / jobs.size());
    }

    private ClusterSnapshot snapshot(int t, Scenario scenario, Map<String, Scenario.Pc> pcs, List<SimJob> jobs) {
        List<WorkerView> workers = new ArrayList<>(scenario.pcs().size());
        for (Scenario.Pc pc : scenario.pcs()) {
            workers.add(new WorkerView(pc.id(), WorkerView.Liveness.ONLINE, pc.ownerActiveAt(t), false, pc.score(),
                    pc.cpus(), pc.facts()));
        }
        List<JobView> views = new ArrayList<>(jobs.size());
        for (SimJob job : jobs) {
            JobView.Phase phase = switch (job.state) {
                case QUEUED -> JobView.Phase.QUEUED;
                case RUNNING -> JobView.Phase.RUNNING;
                case STARTING, MOVING -> JobView.Phase.BUSY;
                case PENDING, DONE -> null;
            };
            if (phase == null) {
                continue;
            }
            JobView.CheckpointRef checkpoint = job.hasCheckpoint
                    ? new JobView.CheckpointRef(job.spec.id() + "-ckpt", pcs.get(job.lastWorker()).facts()) : null;
            views.add(new JobView(job.spec.id(), phase, phase == JobView.Phase.QUEUED ? null : job.worker,
                    job.spec.cpus(), job.spec.estimate(), job.workDone, job.spec.memoryBytes(), true, checkpoint, 0, 3,
                    0, EPOCH.plusSeconds((long) job.since), null));
        }
        return new ClusterSnapshot(EPOCH.plusSeconds(t), workers, views);
    }

    private enum State { PENDING, QUEUED, STARTING, RUNNING, MOVING, DONE }

    private static final class SimJob {
        final Scenario.Job spec;
        State state = State.PENDING;
        String worker;
        String previousWorker;
        double workDone;
        double busyUntil;
        double since;
        boolean hasCheckpoint;

        SimJob(Scenario.Job spec) {
            this.spec = spec;
        }

        /** Where its newest checkpoint was taken: the current worker, or the one it was evicted from. */
        String lastWorker() {
            return worker != null ? worker : previousWorker;
        }
    }

    /**
     * @param makespan       seconds until the last job finished
     * @param lowerBound     {@link Scenario#lowerBound()}
     * @param runSeconds     the sum of job run time: seconds each job spent running on a PC, summed over the jobs
     *                       (the UPC study's "total CPU time": on a slower PC a job runs longer); not the time it
     *                       waited in the queue or was stopped for a move
     * @param meanTurnaround mean of submit → finished over the jobs
     */
    public record Result(String scenario, String policy, double makespan, double lowerBound, int migrations,
                         int evictions, int decideCalls, long decideNanos, double runSeconds, double meanTurnaround) {

        public double ratio() {
            return makespan / lowerBound;
        }
    }
}
