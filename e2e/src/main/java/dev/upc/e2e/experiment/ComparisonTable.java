package dev.upc.e2e.experiment;

import java.util.Locale;
import java.util.Map;

/** The two runs side by side as a plain-text table, the demo's final word. */
public final class ComparisonTable {

    private static final String ROW = "%-44s %24s %32s%n";

    private ComparisonTable() {
    }

    /**
     * @param quotas     each PC's CPU quota in percent of a core, in chart order
     * @param prediction the simulator's for the same plan, or null
     */
    public static String render(RunReport without, RunReport with, Map<String, Integer> quotas,
                                DemoPrediction prediction) {
        StringBuilder out = new StringBuilder();
        out.append(row("", without.run(), with.run()));
        out.append(row("sum of job run time (study: total CPU time)", seconds(without.runSeconds()),
                seconds(with.runSeconds()) + ratio(without.runSeconds(), with.runSeconds())
                        + predicted(prediction == null ? null : prediction.runTimeRatio())));
        out.append(row("makespan (first submit → last done)", seconds(without.makespan()),
                seconds(with.makespan()) + ratio(without.makespan(), with.makespan())
                        + predicted(prediction == null ? null : prediction.makespanRatio())));
        out.append(row("mean turnaround", seconds(without.meanTurnaround()),
                seconds(with.meanTurnaround()) + ratio(without.meanTurnaround(), with.meanTurnaround())
                        + predicted(prediction == null ? null : prediction.turnaroundRatio())));
        out.append(row("CPU used by the jobs", cpu(without.cpuSeconds()), cpu(with.cpuSeconds())));
        out.append(row("migrations", Integer.toString(without.migrations().size()),
                Integer.toString(with.migrations().size())));
        out.append(row("downtime per migration, mean / max", downtime(without), downtime(with)));
        out.append(row("all jobs succeeded", Boolean.toString(without.allSucceeded()),
                Boolean.toString(with.allSucceeded())));
        out.append("job finish times (s) and the PCs each job ran on:\n");
        for (int i = 0; i < without.jobs().size() && i < with.jobs().size(); i++) {
            RunReport.JobTimeline a = without.jobs().get(i);
            RunReport.JobTimeline b = with.jobs().get(i);
            out.append(row(String.format(Locale.ROOT, "  %-6s %3d units", a.name(), a.units()), finish(a), finish(b)));
        }
        out.append("share of a core a job got on each PC (a quota is a cap, not a promise) and of its quota, most "
                + "jobs at once:\n");
        Map<String, Double> a = without.cpuShareByPc();
        Map<String, Double> b = with.cpuShareByPc();
        Map<String, Integer> aMost = without.mostJobsAtOnceByPc();
        Map<String, Integer> bMost = with.mostJobsAtOnceByPc();
        quotas.forEach((pc, quota) -> out.append(row(String.format(Locale.ROOT, "  %-6s quota %3d%%", pc, quota),
                share(a.get(pc)) + of(a.get(pc), quota) + at(aMost.get(pc)),
                share(b.get(pc)) + of(b.get(pc), quota) + at(bMost.get(pc)))));
        return out.toString();
    }

    private static String of(Double share, int quota) {
        return share == null || quota <= 0 ? "" : String.format(Locale.ROOT, " (%.0f%%)", share * 100 * 100 / quota);
    }

    private static String ratio(double before, double after) {
        return before <= 0 ? "" : String.format(Locale.ROOT, " (×%.2f)", after / before);
    }

    private static String predicted(Double ratio) {
        return ratio == null ? "" : String.format(Locale.ROOT, " sim ×%.2f", ratio);
    }

    private static String at(Integer most) {
        return most == null ? "" : most == 1 ? ", 1 job" : ", " + most + " jobs";
    }

    private static String share(Double value) {
        return value == null ? "—" : String.format(Locale.ROOT, "%.0f%%", value * 100);
    }

    private static String row(String label, String a, String b) {
        return String.format(Locale.ROOT, ROW, label, a, b);
    }

    private static String finish(RunReport.JobTimeline job) {
        String when = Double.isNaN(job.finished()) ? "—" : String.format(Locale.ROOT, "%.1f", job.finished());
        String state = job.state().equals("SUCCEEDED") ? "" : " " + job.state();
        return when + state + " " + job.path();
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.1f s", value);
    }

    private static String cpu(Double value) {
        return value == null ? "unknown" : seconds(value);
    }

    private static String downtime(RunReport run) {
        if (run.migrations().isEmpty()) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.2f s / %.2f s", run.meanDowntimeMillis() / 1000,
                run.maxDowntimeMillis() / 1000.0);
    }
}
