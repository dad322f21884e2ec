package dev.upc.e2e.experiment;

import dev.upc.scheduler.policy.EarliestFinishPolicy;
import dev.upc.scheduler.policy.PolicySettings;
import dev.upc.scheduler.simulation.Scenario;
import dev.upc.scheduler.simulation.Scenarios;
import dev.upc.scheduler.simulation.Simulator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the scheduler's own simulator predicts for the demo's plan: the same PCs (speed = quota), jobs, owner session
 * and policy margins, decided by the same {@link EarliestFinishPolicy}, planning every 2 s as the scheduler does. The
 * real runs are judged against it: if they agree, the simulator can be trusted where the demo cannot go (100 PCs).
 *
 * <p>A job's true work is what it costs in CPU seconds, which the counter's "about 1 s" unit only approximates on a
 * given machine; the scheduler plans with the unit count as estimate. So the prediction is made once from the units
 * and again, {@link #calibrated calibrated}, with each job's CPU time measured in the run without migration.
 *
 * @param calibrated whether the jobs' work is their measured CPU time (else their unit counts)
 */
public record DemoPrediction(Simulator.Result without, Simulator.Result with, boolean calibrated) {

    /** The scheduler's plan interval (upc.scheduler.plan-interval). */
    private static final int PLAN_EVERY_SECONDS = 2;

    /** From the plan alone: each job's work taken to be its unit count. */
    public static DemoPrediction of(ExperimentPlan plan) {
        return of(plan, plan.units().stream().map(Integer::doubleValue).toList(), false);
    }

    /**
     * With each job's work as measured: its CPU seconds in {@code measured} (a run's report), or its unit count where
     * the report has no reading.
     */
    public static DemoPrediction calibrated(ExperimentPlan plan, RunReport measured) {
        List<Double> work = new ArrayList<>();
        for (int i = 0; i < plan.units().size(); i++) {
            Double cpu = i < measured.jobs().size() ? measured.jobs().get(i).cpuSeconds() : null;
            work.add(cpu != null && cpu > 0 ? cpu : plan.units().get(i));
        }
        return of(plan, work, true);
    }

    private static DemoPrediction of(ExperimentPlan plan, List<Double> work, boolean calibrated) {
        PolicySettings defaults = PolicySettings.defaults();
        PolicySettings settings = new PolicySettings(true, defaults.transferBytesPerSecond(),
                defaults.fixedMigrationSeconds(), defaults.startSeconds(), plan.marginSeconds(),
                defaults.marginFraction(), plan.minResidenceSeconds(), defaults.unknownWork());
        Scenario scenario = Scenarios.demo(plan.pcs().stream().map(pc -> pc.cpuPercent() / 100.0).toList(), work,
                plan.units().stream().map(Integer::doubleValue).toList(), plan.ownerBusy().toSeconds(),
                (long) ExperimentPlan.JOB_MEM_MIB << 20);
        Simulator simulator = new Simulator(settings, PLAN_EVERY_SECONDS);
        return new DemoPrediction(simulator.run(scenario, new EarliestFinishPolicy(settings.withoutMigration())),
                simulator.run(scenario, new EarliestFinishPolicy(settings)), calibrated);
    }

    /**
     * {@code ./upc bench policy}'s line for the demo's scenario: what {@code ./upc demo} must come close to.
     *
     * @return 0
     */
    public static int printBenchLine() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("bench", "policy");
        line.put("scenario", "demo");
        line.putAll(of(ExperimentPlan.defaults()).json());
        try {
            System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(line));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the prediction", e);
        }
        return 0;
    }

    /** With ÷ without, of the sum of job run time (the study's "total CPU time"). */
    public double runTimeRatio() {
        return with.runSeconds() / without.runSeconds();
    }

    public double makespanRatio() {
        return with.makespan() / without.makespan();
    }

    public double turnaroundRatio() {
        return with.meanTurnaround() / without.meanTurnaround();
    }

    /** For the JSON lines: the predicted ratios and the two simulated runs' figures. */
    public Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("calibrated", calibrated);
        json.put("runTimeRatio", round3(runTimeRatio()));
        json.put("makespanRatio", round3(makespanRatio()));
        json.put("turnaroundRatio", round3(turnaroundRatio()));
        json.put("withoutMigration", figures(without));
        json.put("withMigration", figures(with));
        return json;
    }

    public String sentence() {
        return String.format(Locale.ROOT, "The scheduler's simulator predicts%s, with migration ÷ without: sum of job "
                        + "run time %.2f (%.0f → %.0f s), makespan %.2f (%.0f → %.0f s), mean turnaround %.2f, "
                        + "%d migration(s).", calibrated ? " (each job's work its CPU time measured without migration)"
                        : " (each job's work its unit count)", runTimeRatio(), without.runSeconds(), with.runSeconds(), makespanRatio(),
                without.makespan(), with.makespan(), turnaroundRatio(), with.migrations());
    }

    private static Map<String, Object> figures(Simulator.Result result) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("totalCpuTimeSeconds", round1(result.runSeconds()));
        json.put("makespanSeconds", round1(result.makespan()));
        json.put("meanTurnaroundSeconds", round1(result.meanTurnaround()));
        json.put("migrations", result.migrations());
        return json;
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
