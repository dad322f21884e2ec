package dev.upc.scheduler.simulation;

import dev.upc.scheduler.policy.HostFacts;
import java.util.List;

/** A workload on a set of PCs, in simulated seconds from 0. */
public record Scenario(String name, List<Pc> pcs, List<Job> jobs) {

    public Scenario {
        pcs = List.copyOf(pcs);
        jobs = List.copyOf(jobs);
    }

    /**
     * @param score          reference-CPU seconds of work per second of one core
     * @param ownerSessions  times the owner uses the PC: jobs there stop making progress
     */
    public record Pc(String id, double score, int cpus, HostFacts facts, List<Session> ownerSessions) {
        public Pc {
            ownerSessions = List.copyOf(ownerSessions);
        }

        boolean ownerActiveAt(double t) {
            for (Session session : ownerSessions) {
                if (t >= session.start && t < session.end) {
                    return true;
                }
            }
            return false;
        }
    }

    /** [start, end) in seconds. */
    public record Session(double start, double end) {
    }

    /**
     * @param work     true work in reference-CPU seconds
     * @param estimate what the submitter told the scheduler, or {@code null}
     */
    public record Job(String id, double work, Double estimate, int cpus, long memoryBytes, double submitAt) {
    }

    /** max(the longest job on the fastest PC, total work / total speed): no schedule can beat it. */
    public double lowerBound() {
        double fastest = pcs.stream().mapToDouble(Pc::score).max().orElseThrow();
        double longest = jobs.stream().mapToDouble(job -> job.work() / (fastest * job.cpus())).max().orElse(0);
        double totalSpeed = pcs.stream().mapToDouble(pc -> pc.score() * pc.cpus()).sum();
        double totalWork = jobs.stream().mapToDouble(Job::work).sum();
        return Math.max(longest, totalWork / totalSpeed);
    }
}
