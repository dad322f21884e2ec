package dev.upc.e2e.experiment;

import java.util.Locale;
import java.util.Map;

/** The two runs side by side as a plain-text table, the demo's final word. */
public final class ComparisonTable {

    private static final String ROW = "%-34s %24s %24s%n";

    private ComparisonTable() {
    }

    /** @param quotas each PC's CPU quota in percent of a core, in chart order */
    public static String render(RunReport without, RunReport with, Map<String, Integer> quotas) {
        StringBuilder out = new StringBuilder();
        out.append(row("", without.run(), with.run()));
        out.append(row("makespan (first submit → last done)", seconds(without.makespan()),
                seconds(with.makespan()) + change(without.makespan(), with.makespan())));
        out.append(row("CPU time of all jobs", cpu(without.cpuSeconds()), cpu(with.cpuSeconds())));
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
        out.append("share of a core a job got on each PC (a quota is a cap, not a promise), most jobs at once:\n");
        Map<String, Double> a = without.cpuShareByPc();
        Map<String, Double> b = with.cpuShareByPc();
        Map<String, Integer> aMost = without.mostJobsAtOnceByPc();
        Map<String, Integer> bMost = with.mostJobsAtOnceByPc();
        quotas.forEach((pc, quota) -> out.append(row(String.format(Locale.ROOT, "  %-6s quota %3d%%", pc, quota),
                share(a.get(pc)) + at(aMost.get(pc)), share(b.get(pc)) + at(bMost.get(pc)))));
        return out.toString();
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

    private static String change(double before, double after) {
        return before <= 0 ? "" : String.format(Locale.ROOT, " (%+.0f%%)", (after - before) / before * 100);
    }

    private static String downtime(RunReport run) {
        if (run.migrations().isEmpty()) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.2f s / %.2f s", run.meanDowntimeMillis() / 1000,
                run.maxDowntimeMillis() / 1000.0);
    }
}
