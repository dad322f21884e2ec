package dev.upc.e2e.experiment;

import dev.upc.agent.libpod.LibpodClient;
import dev.upc.e2e.agent.AgentProcess;
import dev.upc.cli.client.JobQuery;
import dev.upc.e2e.cluster.ServiceCluster;
import dev.upc.e2e.local.LocalCluster;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterOutput;
import dev.upc.e2e.pc.SimulatedPc;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobSubmission;
import dev.upc.protocol.MigrationPhases;
import dev.upc.protocol.OwnerState;
import dev.upc.protocol.WorkerInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One run of the experiment on fresh state: its own control plane (PostgreSQL, registry, scheduler, store), four
 * simulated PCs each with a real agent, the nine counter jobs submitted at once, watched until all are done, then
 * checked from their own output. Everything it started is stopped by {@link #close()}, which the caller's shutdown
 * hook also reaches on Ctrl-C.
 */
final class ExperimentRun implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

    private final String name;
    private final boolean migrate;
    private final ExperimentPlan plan;
    private final Path dir;
    private final Path imageArchive;
    private final Consumer<String> say;
    private final Map<String, SimulatedPc> pcOfWorker = new LinkedHashMap<>();
    private final Map<String, String> pcNameOfWorker = new LinkedHashMap<>();
    private final Map<String, SimulatedPc> pcByName = new LinkedHashMap<>();
    private final Map<String, AgentProcess> agentOfPc = new LinkedHashMap<>();
    private final Map<String, String> jobIds = new ConcurrentHashMap<>();
    private final ExecutorService watchers = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "upc-demo-tick-watch");
        thread.setDaemon(true);
        return thread;
    });
    private volatile LocalCluster local;
    private volatile ServiceCluster cluster;
    private volatile boolean closed;

    ExperimentRun(String name, boolean migrate, ExperimentPlan plan, Path dir, Path imageArchive, Consumer<String> say) {
        this.name = name;
        this.migrate = migrate;
        this.plan = plan;
        this.dir = dir;
        this.imageArchive = imageArchive;
        this.say = say;
    }

    /** The per-job state the watch loop keeps. */
    private static final class Watched {
        final String name;
        final int units;
        final String id;
        final Map<Long, Double> cpuAtCheckpoint = new ConcurrentHashMap<>();
        final Map<Long, Long> tickAtCheckpoint = new ConcurrentHashMap<>();
        List<JobEvent> events = List.of();
        String lastSeen = "";
        boolean done;

        Watched(String name, int units, String id) {
            this.name = name;
            this.units = units;
            this.id = id;
        }
    }

    /**
     * Runs the nine jobs and returns what happened.
     *
     * @throws IllegalStateException when something fails, naming the log to read
     */
    RunReport run() {
        startClusterPcsAndAgents();
        AgentProcess ownerPc = agentOfPc.get(plan.pcs().get(0).name());
        boolean ownerBusy = !plan.ownerBusy().isZero();
        if (ownerBusy) {
            ownerPc.owner("active");
            awaitOwnerState(plan.pcs().get(0).name(), OwnerState.ACTIVE);
            say("%s: its owner is using it, so no jobs go there for the first %d s", plan.pcs().get(0).name(),
                    plan.ownerBusy().toSeconds());
        }
        List<Watched> jobs = submit();
        Instant submitted = Instant.now();
        Instant ownerBack = ownerBusy ? submitted.plus(plan.ownerBusy()) : null;
        Instant ownerLeft = null;
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        while (jobs.stream().anyMatch(job -> !job.done)) {
            if (ownerBack != null && ownerLeft == null && !Instant.now().isBefore(ownerBack)) {
                ownerPc.owner("auto");
                ownerLeft = Instant.now();
                say("%s: its owner has left: a fast PC is free now", plan.pcs().get(0).name());
            }
            poll(jobs);
            checkAgents();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the jobs did not finish within " + RUN_TIMEOUT.toMinutes()
                        + " min; " + where());
            }
            sleep(POLL);
        }
        if (ownerBack != null && ownerLeft == null) {
            ownerPc.owner("auto");
            ownerLeft = Instant.now();
        }
        watchers.shutdown();
        awaitWatchers();
        List<JobRecord> records = jobs.stream().map(job -> new JobRecord(job.id, job.name, job.units, job.events,
                job.cpuAtCheckpoint, job.tickAtCheckpoint)).toList();
        List<RunReport.OwnerInterval> owner = ownerBusy
                ? List.of(new RunReport.OwnerInterval(plan.pcs().get(0).name(), submitted, ownerLeft)) : List.of();
        return RunReport.of(name, records, pcNameOfWorker, owner);
    }

    /**
     * Every job must have SUCCEEDED and its own log (kept in the store) must show one start and every tick in order;
     * a migrated job's log thus shows it went on after its checkpoint. Returns one line per problem.
     */
    List<String> verify(RunReport report) {
        List<String> problems = new ArrayList<>();
        for (RunReport.JobTimeline job : report.jobs()) {
            if (!job.state().equals("SUCCEEDED")) {
                problems.add(name + ": " + job.name() + " ended " + job.state());
                continue;
            }
            String id = jobIds.get(job.name());
            CounterOutput output;
            try {
                output = CounterOutput.ofJob(cluster.admin(), id);
            } catch (RuntimeException e) {
                problems.add(name + ": " + job.name() + ": its log is not readable: " + e.getMessage());
                continue;
            }
            boolean whole = output.starts() == 1 && output.consecutive() && output.lastTick() == job.units()
                    && output.memoryFailures() == 0;
            if (!whole) {
                problems.add(String.format(Locale.ROOT, "%s: %s's log shows %d start(s), ticks %s, %d memory "
                                + "failure(s): not one uninterrupted run of %d ticks", name, job.name(), output.starts(),
                        output.ticks(), output.memoryFailures(), job.units()));
                continue;
            }
            for (RunReport.Migration m : report.migrations()) {
                if (m.job().equals(job.name())) {
                    Check check = continuation(m, output, job.units());
                    if (check.ok()) {
                        say("  %s", check.text());
                    } else {
                        problems.add(name + ": " + check.text());
                    }
                }
            }
        }
        return problems;
    }

    /** The verdict on one migration, as a line to print or a problem to report. */
    record Check(boolean ok, String text) {
    }

    /**
     * Judges one migration by the job's whole log: it must show one start and every tick in order (so nothing ran
     * twice or was skipped), and the tick the job had reached at the checkpoint, when caught, must be among them
     * (0: moved before its first tick).
     */
    static Check continuation(RunReport.Migration m, CounterOutput output, int units) {
        boolean whole = output.starts() == 1 && output.consecutive() && output.lastTick() == units
                && output.memoryFailures() == 0;
        if (!whole) {
            return new Check(false, String.format(Locale.ROOT, "%s moved %s → %s, and its log shows %d start(s), "
                            + "ticks %s, %d memory failure(s): not one uninterrupted run of %d ticks", m.job(), m.from(),
                    m.to(), output.starts(), output.ticks(), output.memoryFailures(), units));
        }
        if (m.tick() == null) {
            return new Check(true, String.format(Locale.ROOT, "%s: moved %s → %s; its log shows %d ticks in order and "
                    + "one start (the tick at the checkpoint was not caught)", m.job(), m.from(), m.to(), units));
        }
        if (m.tick() < 0 || m.tick() >= units || (m.tick() > 0 && !output.ticks().contains(m.tick()))) {
            return new Check(false, m.job() + " was checkpointed at tick " + m.tick() + " but its log has ticks "
                    + output.ticks());
        }
        String from = m.tick() == 0 ? "before its first tick" : "from tick " + m.tick();
        return new Check(true, String.format(Locale.ROOT, "%s: continued %s on %s with tick %d on %s; %d ticks in "
                + "order, one start", m.job(), from, m.from(), m.tick() + 1, m.to(), units));
    }

    private void startClusterPcsAndAgents() {
        local = LocalCluster.start(new LocalCluster.Spec(dir,
                plan.pcs().stream().map(pc -> new LocalCluster.Pc(pc.name(), pc.cpuPercent())).toList(),
                Map.of("upc.scheduler.policy.migrate-for-speed", Boolean.toString(migrate),
                        "upc.scheduler.policy.min-residence-seconds", Double.toString(plan.minResidenceSeconds()),
                        "upc.scheduler.policy.margin-seconds", Double.toString(plan.marginSeconds())),
                imageArchive, true), line -> say("%s", line));
        cluster = local.services();
        for (LocalCluster.RunningPc pc : local.pcs().values()) {
            pcByName.put(pc.spec().name(), pc.pc());
            agentOfPc.put(pc.spec().name(), pc.agent());
            pcNameOfWorker.put(pc.workerId(), pc.spec().name());
            pcOfWorker.put(pc.workerId(), pc.pc());
        }
    }

    private List<Watched> submit() {
        List<Watched> jobs = new ArrayList<>();
        for (int i = 0; i < plan.units().size(); i++) {
            int units = plan.units().get(i);
            String jobName = "job-" + (i + 1);
            List<String> command = List.of(CounterImage.PROGRAM, "--work", Integer.toString(units), "--mem",
                    Integer.toString(ExperimentPlan.JOB_MEM_MIB));
            JobSubmission submission = new JobSubmission(jobName, CounterImage.REFERENCE, command, Map.of(), 1,
                    (long) ExperimentPlan.JOB_MEM_MIB * 2, (double) units, 0L, true, null, null, null);
            JobInfo job = cluster.admin().submit(submission);
            jobIds.put(jobName, job.id());
            jobs.add(new Watched(jobName, units, job.id()));
        }
        say("submitted %d jobs of %s work units (%d in all; 1 unit ≈ 1 s of one core), each with its size as "
                + "work estimate", jobs.size(), plan.units(), plan.totalUnits());
        return jobs;
    }

    /** One round: the job list, then the new history of each job that changed. */
    private void poll(List<Watched> jobs) {
        Map<String, JobInfo> infos = new LinkedHashMap<>();
        for (JobInfo info : listJobs()) {
            infos.put(info.id(), info);
        }
        for (Watched job : jobs) {
            JobInfo info = infos.get(job.id);
            if (job.done || info == null) {
                continue;
            }
            String seen = info.state() + "/" + info.epoch() + "/" + info.updatedAt();
            if (seen.equals(job.lastSeen)) {
                continue;
            }
            job.lastSeen = seen;
            List<JobEvent> events = cluster.admin().events(job.id);
            for (JobEvent event : events.subList(Math.min(job.events.size(), events.size()), events.size())) {
                onEvent(job, event);
            }
            job.events = events;
        }
    }

    private void onEvent(Watched job, JobEvent event) {
        String pc = pcNameOfWorker.getOrDefault(event.workerId(), event.workerId());
        Map<String, Object> d = event.details();
        switch (event.type()) {
            case PLACED -> say("%-6s (%2d units) placed on %s", job.name, job.units, pc);
            case MIGRATION_STARTED -> {
                String to = pcNameOfWorker.getOrDefault(String.valueOf(d.get("to")), String.valueOf(d.get("to")));
                say("%-6s moving %s → %s (%s)", job.name, pc, to, d.get("reason"));
                watchMigration(job, event);
            }
            case MIGRATED -> say("%-6s migrated %s → %s: job paused %.2f s, %.1f MiB (%s)", job.name,
                    pcNameOfWorker.getOrDefault(String.valueOf(d.get("from")), String.valueOf(d.get("from"))), pc,
                    ms(d, "downtimeMillis"), number(d, "sizeBytes") / 1048576.0,
                    MigrationPhases.fromDetails(d).describe());
            case MIGRATION_FAILED -> say("%-6s migration FAILED on %s: %s", job.name, pc, d);
            case RETRIED, RECOVERED, EVICTED -> say("%-6s %s on %s: %s", job.name, event.type(), pc, d);
            case SUCCEEDED -> {
                job.done = true;
                say("%-6s finished on %s", job.name, pc);
            }
            case FAILED, CANCELLED -> {
                job.done = true;
                say("%-6s %s: %s", job.name, event.type(), d);
            }
            default -> {
                // STARTED, EXITED, … are in the timeline, not worth a line each
            }
        }
    }

    /**
     * What the history does not tell of a migration, caught while it happens (every 100 ms, for up to a minute):
     * the counter's last tick before the checkpoint (the source keeps its stopped container until the target has
     * restored the job) and the CPU time the source container used (the job's cpuSeconds from the checkpoint until
     * the job exits on the target, whose container counts from zero).
     */
    private void watchMigration(Watched job, JobEvent event) {
        SimulatedPc pc = pcOfWorker.get(event.workerId());
        if (pc == null) {
            return;
        }
        long epoch = event.epoch();
        String container = "upc-" + job.id + "-" + epoch;
        LibpodClient libpod = pc.client();
        watchers.submit(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            boolean tickDone = false;
            while (System.nanoTime() < deadline && !closed) {
                if (!tickDone) {
                    try {
                        boolean running = libpod.inspect(container).running();
                        CounterOutput output = CounterOutput.of(libpod.logs(container, -1));
                        if (!running) {
                            job.tickAtCheckpoint.put(epoch, output.lastTick());
                            tickDone = true;
                        }
                    } catch (RuntimeException gone) {
                        tickDone = true; // cleaned up already: the tick stays unknown
                    }
                }
                JobInfo now = cluster.admin().job(job.id);
                if (now.state().terminal() || now.epoch() > epoch + 1) {
                    return; // too late for the source's reading
                }
                if (now.epoch() == epoch + 1 && now.cpuSeconds() != null) {
                    job.cpuAtCheckpoint.put(epoch, now.cpuSeconds());
                    if (tickDone) {
                        return;
                    }
                }
                sleep(Duration.ofMillis(100));
            }
        });
    }

    private void awaitOwnerState(String pc, OwnerState state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (WorkerInfo worker : cluster.admin().workers()) {
                if (pc.equals(pcNameOfWorker.get(worker.workerId())) && worker.latestReport() != null
                        && worker.latestReport().ownerState() == state) {
                    return;
                }
            }
            sleep(Duration.ofMillis(200));
        }
        throw new IllegalStateException("the registry never saw " + pc + "'s owner " + state + "; agent log "
                + agentOfPc.get(pc).log());
    }

    private void checkAgents() {
        agentOfPc.forEach((pc, agent) -> {
            if (!agent.alive()) {
                throw new IllegalStateException("the agent of " + pc + " exited; its log " + agent.log()
                        + " ends with:\n" + agent.tail());
            }
        });
        for (ServiceCluster.Service service : ServiceCluster.Service.values()) {
            if (!cluster.isRunning(service)) {
                throw new IllegalStateException("the " + service.shortName() + " exited; read its log "
                        + cluster.logFile(service));
            }
        }
    }

    /** Where to look when this run goes wrong. */
    String where() {
        if (cluster == null) {
            return "the cluster did not start (see above)";
        }
        StringBuilder logs = new StringBuilder("logs: ");
        for (ServiceCluster.Service service : ServiceCluster.Service.values()) {
            logs.append(service.shortName()).append(' ').append(cluster.logFile(service)).append(", ");
        }
        agentOfPc.forEach((pc, agent) -> logs.append("agent of ").append(pc).append(' ').append(agent.log())
                .append(", "));
        return logs.substring(0, logs.length() - 2);
    }

    private List<JobInfo> listJobs() {
        return cluster.admin().jobs(JobQuery.mine(), 1000).jobs();
    }

    private void awaitWatchers() {
        try {
            watchers.awaitTermination(70, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the run's local cluster; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        watchers.shutdownNow();
        if (local != null) {
            local.close(); // agents, PCs (each resets its storage), then the control plane
        }
    }

    private void say(String format, Object... args) {
        say.accept(String.format(Locale.ROOT, "%-17s ", name) + String.format(Locale.ROOT, format, args));
    }

    private static double ms(Map<String, Object> details, String key) {
        return number(details, key) / 1000.0;
    }

    private static double number(Map<String, Object> details, String key) {
        return details.get(key) instanceof Number n ? n.doubleValue() : 0;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "run " + name + (cluster == null ? "" : " (" + cluster.workDir() + ")");
    }
}
