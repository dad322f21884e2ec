package dev.upc.e2e.experiment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What {@code ./upc demo} runs: the PCs with their speeds, the jobs' sizes, how long the fastest PC's owner keeps it
 * busy at the start, and how the scheduler's time-valued policy margins are scaled to the demo's time scale.
 *
 * @param pcs         in chart order, fastest first
 * @param units       the nine jobs' {@code --work} sizes, in submission order
 * @param ownerBusy   the first PC's owner uses it for this long after the first submit (0: not at all)
 * @param policyScale factor on the scheduler's min-residence (60 s) and absolute margin (30 s); 1 = its defaults
 */
public record ExperimentPlan(List<Pc> pcs, List<Integer> units, Duration ownerBusy, double policyScale) {

    /** The scheduler's defaults (SchedulerConfig.Policy), which {@link #policyScale} scales. */
    static final double MIN_RESIDENCE_SECONDS = 60;
    static final double MARGIN_SECONDS = 30;
    /** Memory each job holds: its checkpoint is about this big. */
    static final int JOB_MEM_MIB = 32;

    public static final String USAGE = """
            usage: ./upc demo [--quick] [--units 20,16,...] [--owner-busy SECONDS] [--policy-scale F]
              --quick          only the short showcase: one job moved between two PCs by the agent's libpod client
              --units          the jobs' sizes in work units (about 1 s of one core each), default 24,17,16,7,4,3,2,2,2
              --owner-busy     the fastest PC's owner uses it for this long at the start, default 12
              --policy-scale   factor on the scheduler's min residence (60 s) and margin (30 s), default 0.1
                               (the demo's jobs are ~100x shorter than the paper's); 1 = the scheduler's defaults""";

    /**
     * One simulated PC.
     *
     * @param cpuPercent the share of one core its jobs get (its speed in this simulation)
     */
    public record Pc(String name, int cpuPercent) {

        public String label() {
            return name + " · " + cpuPercent + "% of a core";
        }
    }

    public ExperimentPlan {
        pcs = List.copyOf(pcs);
        units = List.copyOf(units);
        if (units.isEmpty() || units.stream().anyMatch(u -> u < 1)) {
            throw new IllegalArgumentException("--units wants positive sizes, was " + units);
        }
        if (ownerBusy.isNegative() || policyScale <= 0) {
            throw new IllegalArgumentException("--owner-busy must be >= 0 and --policy-scale > 0");
        }
    }

    /**
     * 1.2 cores in all on a 2-core machine, so the control plane, the agents and CRIU keep most of a core and each PC
     * gets its quota (at 1.7 cores pc1 got 57-59 % of its 80 %). Three large jobs start on the slow PCs while pc1's
     * owner uses it for the first 12 s; when it frees up, moving them there is what pays. The scheduler's own
     * simulator predicts 0.57 × the sum of job run time and 0.49 × the makespan for this plan, and at most 0.67 for
     * either with the owner leaving 5 s earlier or 15 s later, migrations costing 1-5 s, or pc1 at 90 % of its quota.
     */
    public static ExperimentPlan defaults() {
        return new ExperimentPlan(
                List.of(new Pc("pc1", 80), new Pc("pc2", 20), new Pc("pc3", 10), new Pc("pc4", 10)),
                List.of(24, 17, 16, 7, 4, 3, 2, 2, 2), Duration.ofSeconds(12), 0.1);
    }

    /** The defaults changed by {@code args} ({@code --quick} is the caller's). */
    public static ExperimentPlan parse(List<String> args) {
        ExperimentPlan plan = defaults();
        List<Integer> units = plan.units;
        Duration ownerBusy = plan.ownerBusy;
        double scale = plan.policyScale;
        for (int i = 0; i < args.size(); i++) {
            String option = args.get(i);
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(option + " wants a value");
            }
            String value = args.get(++i);
            try {
                switch (option) {
                    case "--units" -> units = Arrays.stream(value.split(",")).map(String::trim)
                            .map(Integer::valueOf).toList();
                    case "--owner-busy" -> ownerBusy = Duration.ofSeconds(Long.parseLong(value));
                    case "--policy-scale" -> scale = Double.parseDouble(value);
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " wants a number, was '" + value + "'");
            }
        }
        return new ExperimentPlan(plan.pcs, new ArrayList<>(units), ownerBusy, scale);
    }

    public int totalUnits() {
        return units.stream().mapToInt(Integer::intValue).sum();
    }

    public double minResidenceSeconds() {
        return MIN_RESIDENCE_SECONDS * policyScale;
    }

    public double marginSeconds() {
        return MARGIN_SECONDS * policyScale;
    }

    /** The policy settings the scheduler runs with, as a sentence. */
    public String policyNote() {
        return String.format(Locale.ROOT, "Policy: earliest-finish placement in both runs; migrations need the job "
                        + "to have run %.0f s where it is and to gain %.0f s (plus 10%% of its time there while jobs "
                        + "wait) beyond the move's cost (the scheduler's 60 s and 30 s × %s: these jobs are ~100× "
                        + "shorter than the paper's).", minResidenceSeconds(), marginSeconds(),
                policyScale == 1 ? "1, its defaults" : policyScale);
    }
}
