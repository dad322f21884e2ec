package dev.upc.e2e.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's report page: one timeline chart per run (one row per PC, one bar per stretch a job ran there, colored
 * by job, migrations drawn as arrows, owner sessions hatched) above the comparison table. Plain HTML with inline
 * SVG: no scripts, no external assets, so the file opens anywhere.
 */
public final class HtmlTimeline {

    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
            "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
    private static final int LEFT = 110;
    private static final int WIDTH = 900;
    private static final int ROW_HEIGHT = 34;
    private static final int TOP = 24;

    private HtmlTimeline() {
    }

    /**
     * @param pcs   the PCs in chart order, with a label each ({@code pc1 → "pc1 · 80% of a core"})
     * @param notes lines said above the charts (how speeds are simulated, the policy settings)
     */
    public static String render(List<RunReport> runs, Map<String, String> pcs, List<String> notes, String table) {
        double scale = runs.stream().mapToDouble(RunReport::makespan).max().orElse(1);
        StringBuilder html = new StringBuilder("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>UPC experiment</title>
                <style>
                body{font-family:system-ui,sans-serif;margin:24px;color:#222}
                pre{background:#f6f6f6;padding:12px;overflow-x:auto}
                .pc{font-size:12px} .tick{font-size:10px;fill:#666} .bar text{font-size:10px;fill:#fff}
                </style></head><body>
                <h1>UPC experiment: nine jobs on four PCs, without and with migration</h1>
                """);
        for (String note : notes) {
            html.append("<p>").append(escape(note)).append("</p>\n");
        }
        for (RunReport run : runs) {
            html.append("<h2>").append(escape(run.run())).append(String.format(Locale.ROOT,
                    ": makespan %.1f s, %d migration(s)</h2>\n", run.makespan(), run.migrations().size()));
            html.append(chart(run, pcs, Math.max(scale, 1)));
        }
        html.append("<h2>Comparison</h2>\n<pre>").append(escape(table)).append("</pre>\n");
        html.append(legend(runs));
        return html.append("</body></html>\n").toString();
    }

    static String chart(RunReport run, Map<String, String> pcs, double maxSeconds) {
        List<String> rows = new ArrayList<>(pcs.keySet());
        Map<String, String> colors = colors(run);
        int height = TOP + rows.size() * ROW_HEIGHT + 24;
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\">\n",
                LEFT + WIDTH + 20, height));
        svg.append("<defs><pattern id=\"owner\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
                + "<path d=\"M0,6 L6,0\" stroke=\"#999\"/></pattern>"
                + "<marker id=\"arrow\" markerWidth=\"8\" markerHeight=\"8\" refX=\"7\" refY=\"4\" orient=\"auto\">"
                + "<path d=\"M0,0 L8,4 L0,8 z\" fill=\"#000\"/></marker></defs>\n");
        for (int i = 0; i < rows.size(); i++) {
            int y = TOP + i * ROW_HEIGHT;
            svg.append(String.format(Locale.ROOT, "<text class=\"pc\" x=\"4\" y=\"%d\">%s</text>\n", y + 20,
                    escape(pcs.get(rows.get(i)))));
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>\n", LEFT, y + ROW_HEIGHT - 2,
                    LEFT + WIDTH, y + ROW_HEIGHT - 2));
        }
        for (RunReport.OwnerSession session : run.ownerSessions()) {
            int row = rows.indexOf(session.pc());
            if (row >= 0) {
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                                + "fill=\"url(#owner)\"><title>owner using %s: %.1f–%.1f s</title></rect>\n",
                        x(session.start(), maxSeconds), TOP + row * ROW_HEIGHT + 4,
                        Math.max(1, x(session.end(), maxSeconds) - x(session.start(), maxSeconds)), ROW_HEIGHT - 10,
                        escape(session.pc()), session.start(), session.end()));
            }
        }
        for (RunReport.JobTimeline job : run.jobs()) {
            for (RunReport.Segment segment : job.segments()) {
                int row = rows.indexOf(segment.pc());
                if (row < 0) {
                    continue;
                }
                double x0 = x(segment.start(), maxSeconds);
                double w = Math.max(1, x(segment.end(), maxSeconds) - x0);
                int y = TOP + row * ROW_HEIGHT + 4;
                svg.append(String.format(Locale.ROOT, "<g class=\"bar\"><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
                                + "height=\"%d\" fill=\"%s\" stroke=\"#fff\"><title>%s (%d units) on %s: %.1f–%.1f s"
                                + "</title></rect>", x0, y, w, ROW_HEIGHT - 10, colors.get(job.name()),
                        escape(job.name()), job.units(), escape(segment.pc()), segment.start(), segment.end()));
                if (w > 34) {
                    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>", x0 + 3, y + 16,
                            escape(job.name())));
                }
                svg.append("</g>\n");
            }
        }
        for (RunReport.Migration m : run.migrations()) {
            int from = rows.indexOf(m.from());
            int to = rows.indexOf(m.to());
            if (from < 0 || to < 0) {
                continue;
            }
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" "
                            + "stroke-width=\"1.5\" marker-end=\"url(#arrow)\"><title>%s migrated %s → %s, "
                            + "downtime %d ms (%s; %d bytes)</title></line>\n",
                    x(m.start(), maxSeconds), TOP + from * ROW_HEIGHT + ROW_HEIGHT / 2, x(m.end(), maxSeconds),
                    TOP + to * ROW_HEIGHT + ROW_HEIGHT / 2, escape(m.job()), escape(m.from()), escape(m.to()),
                    m.downtimeMillis(), m.phases().describe(), m.sizeBytes()));
        }
        int axisY = TOP + rows.size() * ROW_HEIGHT + 14;
        int step = maxSeconds > 200 ? 30 : maxSeconds > 60 ? 10 : 5;
        for (int t = 0; t <= maxSeconds; t += step) {
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\">%d s</text>\n",
                    x(t, maxSeconds), axisY, t));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\" "
                        + "stroke-dasharray=\"4 3\"><title>makespan %.1f s</title></line>\n",
                x(run.makespan(), maxSeconds), TOP - 6, x(run.makespan(), maxSeconds), axisY - 10, run.makespan()));
        return svg.append("</svg>\n").toString();
    }

    private static String legend(List<RunReport> runs) {
        if (runs.isEmpty()) {
            return "";
        }
        StringBuilder html = new StringBuilder("<p>");
        colors(runs.get(0)).forEach((job, color) -> html.append(String.format(Locale.ROOT,
                "<span style=\"display:inline-block;width:12px;height:12px;background:%s\"></span> %s &nbsp; ",
                color, escape(job))));
        return html.append("<br>hatched: the PC's owner uses it; arrows: migrations; red dashes: makespan</p>\n")
                .toString();
    }

    private static Map<String, String> colors(RunReport run) {
        Map<String, String> colors = new LinkedHashMap<>();
        for (RunReport.JobTimeline job : run.jobs()) {
            colors.put(job.name(), COLORS[colors.size() % COLORS.length]);
        }
        return colors;
    }

    private static double x(double seconds, double maxSeconds) {
        return LEFT + seconds / maxSeconds * WIDTH;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
