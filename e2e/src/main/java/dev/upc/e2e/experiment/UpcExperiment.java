package dev.upc.e2e.experiment;

import dev.upc.e2e.WorkDirectory;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.pc.SimulatedPc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./upc demo}: the UPC paper's experiment with the real system. Nine jobs on four PCs of different speed, run
 * twice on fresh state: with the scheduler's migration for speed switched off, then on. The fastest PC's owner uses it
 * for the first seconds (as in the paper), so it frees up while the other jobs run; with migration, jobs move there.
 * Prints progress, a table of both runs, one JSON line per run, and writes an HTML timeline report.
 */
public final class UpcExperiment {

    static final String WITHOUT = "without-migration";
    static final String WITH = "with-migration";

    private final long start = System.nanoTime();
    private volatile ExperimentRun current;

    private UpcExperiment() {
    }

    public static int run(List<String> args, Path work) {
        ExperimentPlan plan;
        try {
            plan = ExperimentPlan.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("upc demo: " + e.getMessage() + "\n" + ExperimentPlan.USAGE);
            return 2;
        }
        UpcExperiment experiment = new UpcExperiment();
        Thread hook = new Thread(experiment::stopCurrent, "upc-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return experiment.show(plan, work.resolve("upc-demo"));
        } catch (RuntimeException e) {
            experiment.say("FAILED: %s", e.getMessage());
            return 1;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // Ctrl-C: the hook is running
            }
        }
    }

    private int show(ExperimentPlan plan, Path dir) {
        say("UPC experiment: %d jobs on %d PCs of different speed, first without, then with migration",
                plan.units().size(), plan.pcs().size());
        DemoPrediction prediction = DemoPrediction.of(plan);
        DemoPrediction calibrated = prediction;
        Map<String, Integer> quotas = new LinkedHashMap<>();
        plan.pcs().forEach(pc -> quotas.put(pc.name(), pc.cpuPercent()));
        List<String> notes = notes(plan);
        notes.add(prediction.sentence());
        notes.forEach(note -> say("%s", note));
        Path archive = prepare(dir);
        List<RunReport> reports = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String run : List.of(WITHOUT, WITH)) {
            say("---- run %d: %s (a fresh control plane, fresh PCs) ----", reports.size() + 1, run);
            ExperimentRun attempt = new ExperimentRun(run, run.equals(WITH), plan, dir.resolve(run), archive,
                    line -> say("%s", line));
            current = attempt;
            try {
                RunReport report = attempt.run();
                say("checking every job's own output (its log in the store)");
                problems.addAll(attempt.verify(report));
                reports.add(report);
                if (run.equals(WITHOUT)) {
                    calibrated = DemoPrediction.calibrated(plan, report);
                    say("%s", calibrated.sentence());
                }
                System.out.println(report.jsonLine(quotas, calibrated));
            } catch (RuntimeException e) {
                say("FAILED in run %s: %s", run, e.getMessage());
                say("%s (kept under %s)", attempt.where(), dir.resolve(run));
                return 1;
            } finally {
                say("stopping the agents, PCs and control plane of %s", run);
                attempt.close();
                current = null;
            }
        }
        String table = ComparisonTable.render(reports.get(0), reports.get(1), quotas, calibrated);
        Path html = dir.resolve("report.html");
        Map<String, String> pcs = new LinkedHashMap<>();
        plan.pcs().forEach(pc -> pcs.put(pc.name(), pc.label()));
        write(html, HtmlTimeline.render(reports, pcs, notes, table));
        System.out.println();
        System.out.print(table);
        System.out.println();
        say("report with timeline charts: %s", html);
        say("service and agent logs of both runs: %s/{%s,%s}/cluster", dir, WITHOUT, WITH);
        for (RunReport report : reports) {
            report.mostJobsAtOnceByPc().forEach((pc, most) -> {
                if (most > 1) {
                    say("WARNING: in %s %d jobs ran at once on %s, which lends one core: the scheduler should never "
                            + "do that (a migration's target is reserved from its start). On contended cores those jobs "
                            + "get more CPU between them than one would: read the times with care, and report it.",
                            report.run(), most, pc);
                }
            });
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> say("FAILED check: %s", p));
            return 1;
        }
        say("all %d jobs succeeded in both runs, every migrated job went on from where it stopped (%.0f s in all)",
                plan.units().size(), (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private static List<String> notes(ExperimentPlan plan) {
        List<String> notes = new ArrayList<>();
        StringBuilder speeds = new StringBuilder();
        plan.pcs().forEach(pc -> speeds.append(speeds.length() == 0 ? "" : ", ").append(pc.name()).append(' ')
                .append(pc.cpuPercent()).append('%'));
        notes.add("PC speeds are simulated with CPU quotas on one machine: each PC is a private podman service "
                + "whose jobs get a share of one core (" + speeds + "), and its agent reports this machine's core "
                + "(the benchmark's reference, score 1.0) times that share. Jobs: the counter doing N CPU-bound work "
                + "units (about 1 s of one core each), holding " + ExperimentPlan.JOB_MEM_MIB + " MiB.");
        if (!plan.ownerBusy().isZero()) {
            notes.add("As in the paper, the fastest PC (" + plan.pcs().get(0).name() + ") is in use by its owner "
                    + "for the first " + plan.ownerBusy().toSeconds() + " s, then frees up mid-run.");
        }
        notes.add(plan.policyNote());
        return notes;
    }

    /** A fresh report dir, and the job image as an archive for the store (built once, cached in the work dir). */
    private Path prepare(Path dir) {
        deleteTree(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        say("building the job image (static busybox + jobs/counter/counter.c, no registry needed)");
        CounterImage image = CounterImage.build(dir.getParent());
        try (SimulatedPc builder = SimulatedPc.start("img")) {
            return image.archive(builder.client());
        }
    }

    private void stopCurrent() {
        ExperimentRun run = current;
        if (run != null) {
            System.err.println("upc demo: interrupted, stopping " + run);
            run.close();
        }
    }

    private void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%5.1fs] %s%n", (System.nanoTime() - start) / 1e9,
                String.format(Locale.ROOT, format, args));
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void deleteTree(Path root) {
        try {
            WorkDirectory.delete(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the previous report in " + root, e);
        }
    }
}
