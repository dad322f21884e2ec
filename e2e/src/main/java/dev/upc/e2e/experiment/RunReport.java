package dev.upc.e2e.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.MigrationPhases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One run of the experiment, reduced to what the table, the JSON line and the chart show. Built by {@link #of}, a
 * pure function of the jobs' histories: times are seconds since the first job was submitted, on the scheduler's
 * clock.
 *
 * @param run           {@code without-migration} or {@code with-migration}
 * @param makespan      first submit → last job finished, in seconds
 * @param cpuSeconds    CPU time the jobs' containers consumed, summed over all their placements; null if some
 *                      placement's reading is missing
 * @param jobs          in submission order
 * @param migrations    in the order they finished
 * @param ownerSessions the times a PC's owner used it (no jobs there)
 */
public record RunReport(String run, double makespan, Double cpuSeconds, List<JobTimeline> jobs,
                        List<Migration> migrations, List<OwnerSession> ownerSessions) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<JobEventType> TERMINAL =
            EnumSet.of(JobEventType.SUCCEEDED, JobEventType.FAILED, JobEventType.CANCELLED);

    public RunReport {
        jobs = List.copyOf(jobs);
        migrations = List.copyOf(migrations);
        ownerSessions = List.copyOf(ownerSessions);
    }

    /** A stretch of time a job ran on one PC, and the CPU time its container used there (null if not seen). */
    public record Segment(String pc, long epoch, double start, double end, Double cpuSeconds, Double ranSeconds) {

        Segment(String pc, long epoch, double start, double end, Double cpuSeconds) {
            this(pc, epoch, start, end, cpuSeconds, null);
        }

        Segment withCpu(Double seconds) {
            return new Segment(pc, epoch, start, end, seconds, ranSeconds);
        }

        /**
         * How long the job had the PC here: the container's own run time where its agent measured it (EXITED's
         * {@code runMillis}), else the span between the scheduler's events, which adds their delays.
         */
        double had() {
            return ranSeconds != null ? ranSeconds : end - start;
        }
    }

    /**
     * One job's life.
     *
     * @param state    its final state as the history ends (SUCCEEDED, or what went wrong)
     * @param finished when it reached that state, or NaN if it never did
     */
    public record JobTimeline(String name, int units, String state, double finished, Double cpuSeconds,
                              List<Segment> segments) {

        public JobTimeline {
            segments = List.copyOf(segments);
        }

        /** The PCs it ran on, in order: {@code pc4 → pc1}. */
        public String path() {
            List<String> pcs = new ArrayList<>();
            for (Segment segment : segments) {
                if (pcs.isEmpty() || !pcs.get(pcs.size() - 1).equals(segment.pc())) {
                    pcs.add(segment.pc());
                }
            }
            return String.join(" → ", pcs);
        }
    }

    /**
     * One completed migration: the job stopped running on {@code from} at {@code start} and ran on {@code to} from
     * {@code end}. Durations in milliseconds as the scheduler recorded them; {@code tick} is the counter's last tick
     * before the checkpoint, when seen.
     */
    public record Migration(String job, String from, String to, double start, double end, long downtimeMillis,
                            MigrationPhases phases, long sizeBytes, Long tick) {
    }

    /** The owner used {@code pc} from {@code start} to {@code end} (seconds, as above). */
    public record OwnerSession(String pc, double start, double end) {
    }

    /**
     * Builds the report from the jobs' histories.
     *
     * @param pcOfWorker    the PC name of each worker id
     * @param ownerSessions owner sessions on the wall clock, to be placed on the run's time axis
     */
    public static RunReport of(String run, List<JobRecord> records, Map<String, String> pcOfWorker,
                               List<OwnerInterval> ownerSessions) {
        Instant origin = records.stream().flatMap(r -> r.events().stream()).map(JobEvent::at)
                .min(Comparator.naturalOrder()).orElseThrow(() -> new IllegalArgumentException("no events"));
        List<JobTimeline> jobs = new ArrayList<>();
        List<Migration> migrations = new ArrayList<>();
        double makespan = 0;
        Double cpu = 0.0;
        for (JobRecord record : records) {
            JobTimeline job = timeline(record, origin, pcOfWorker, migrations);
            jobs.add(job);
            makespan = Math.max(makespan, Double.isNaN(job.finished()) ? 0 : job.finished());
            cpu = cpu == null || job.cpuSeconds() == null ? null : cpu + job.cpuSeconds();
        }
        migrations.sort(Comparator.comparingDouble(Migration::end));
        List<OwnerSession> sessions = ownerSessions.stream()
                .map(s -> new OwnerSession(s.pc(), seconds(origin, s.start()), seconds(origin, s.end()))).toList();
        return new RunReport(run, makespan, cpu, jobs, migrations, sessions);
    }

    /** An owner session on the wall clock. */
    public record OwnerInterval(String pc, Instant start, Instant end) {
    }

    private static JobTimeline timeline(JobRecord record, Instant origin, Map<String, String> pcOfWorker,
                                        List<Migration> migrations) {
        List<Segment> segments = new ArrayList<>();
        String openPc = null;
        long openEpoch = 0;
        double openAt = 0;
        double movingSince = Double.NaN;
        String state = "UNFINISHED";
        double finished = Double.NaN;
        double cpu = 0;
        boolean cpuKnown = true;
        for (JobEvent event : record.events()) {
            double at = seconds(origin, event.at());
            String pc = event.workerId() == null ? null : pcOfWorker.getOrDefault(event.workerId(), event.workerId());
            switch (event.type()) {
                case STARTED -> {
                    if (openPc == null) {
                        openPc = pc;
                        openEpoch = event.epoch();
                        openAt = at;
                    }
                }
                case MIGRATION_STARTED -> {
                    movingSince = at;
                    if (openPc != null) {
                        segments.add(new Segment(openPc, openEpoch, openAt, at, null));
                        openPc = null;
                    }
                }
                case MIGRATED -> {
                    Map<String, Object> d = event.details();
                    String from = pcOfWorker.getOrDefault(String.valueOf(d.get("from")), String.valueOf(d.get("from")));
                    long checkpointed = event.epoch() - 1;
                    Double cpuThere = record.cpuAtCheckpoint().get(checkpointed);
                    if (cpuThere == null) {
                        cpuKnown = false;
                    } else {
                        cpu += cpuThere;
                    }
                    int last = segments.size() - 1;
                    if (last >= 0 && segments.get(last).epoch() == checkpointed) {
                        segments.set(last, segments.get(last).withCpu(cpuThere));
                    }
                    migrations.add(new Migration(record.name(), from, pc, Double.isNaN(movingSince) ? at : movingSince,
                            at, millis(d, "downtimeMillis"), MigrationPhases.fromDetails(d), millis(d, "sizeBytes"),
                            record.tickAtCheckpoint().get(checkpointed)));
                    movingSince = Double.NaN;
                    openPc = pc;
                    openEpoch = event.epoch();
                    openAt = at;
                }
                case EXITED, EVICTED, RECOVERED, RETRIED, SUCCEEDED, FAILED, CANCELLED -> {
                    Double used = null;
                    Double ran = null;
                    if (event.type() == JobEventType.EXITED) {
                        if (event.details().get("runMillis") instanceof Number n) {
                            ran = n.doubleValue() / 1000;
                        }
                        if (event.details().get("cpuSeconds") instanceof Number n) {
                            used = n.doubleValue();
                            cpu += used;
                        } else {
                            cpuKnown = false;
                        }
                    }
                    if (openPc != null) {
                        segments.add(new Segment(openPc, openEpoch, openAt, at, used, ran));
                        openPc = null;
                    }
                    if (TERMINAL.contains(event.type())) {
                        state = event.type().name();
                        finished = at;
                    }
                }
                default -> {
                    // SUBMITTED, PLACED, CHECKPOINTED, … change nothing on the chart
                }
            }
        }
        if (openPc != null) {
            segments.add(new Segment(openPc, openEpoch, openAt, Double.isNaN(finished) ? openAt : finished, null));
        }
        return new JobTimeline(record.name(), record.units(), state, finished, cpuKnown ? cpu : null, segments);
    }

    /**
     * The sum of job run time: the seconds each job ran on a PC, summed over all its placements and all jobs (not the
     * time it waited or was stopped for a move). The UPC study calls it total CPU time: a job on a slower PC runs
     * longer for the same work, so moving it to a faster one shortens it. (The CPU time the jobs' containers used is
     * {@link #cpuSeconds}, the same in every run by construction.)
     */
    public double runSeconds() {
        return jobs.stream().flatMap(job -> job.segments().stream())
                .mapToDouble(segment -> segment.end() - segment.start()).sum();
    }

    /** Submit → finished, averaged over the jobs that finished (all were submitted within a second of 0). */
    public double meanTurnaround() {
        return jobs.stream().mapToDouble(JobTimeline::finished).filter(at -> !Double.isNaN(at)).average().orElse(0);
    }

    /**
     * Each PC's {@link #cpuShareByPc() share of a core} over its quota: 1.0 when the simulated speed was delivered,
     * less when the machine's two cores could not give it.
     *
     * @param quotas each PC's CPU quota in percent of a core
     */
    public Map<String, Double> deliveredShareByPc(Map<String, Integer> quotas) {
        Map<String, Double> delivered = new LinkedHashMap<>();
        cpuShareByPc().forEach((pc, share) -> {
            Integer quota = quotas.get(pc);
            if (quota != null && quota > 0) {
                delivered.put(pc, share * 100 / quota);
            }
        });
        return delivered;
    }

    public double meanDowntimeMillis() {
        return migrations.stream().mapToLong(Migration::downtimeMillis).average().orElse(0);
    }

    public long maxDowntimeMillis() {
        return migrations.stream().mapToLong(Migration::downtimeMillis).max().orElse(0);
    }

    /**
     * The share of one core each PC's jobs actually got (CPU time over the time they had the PC, of the segments with a
     * reading): a CPU quota is a cap, so on a loaded machine a PC may be slower than its quota says.
     */
    public Map<String, Double> cpuShareByPc() {
        Map<String, double[]> sums = new TreeMap<>();
        for (JobTimeline job : jobs) {
            for (Segment segment : job.segments()) {
                if (segment.cpuSeconds() != null && segment.had() > 0) {
                    double[] sum = sums.computeIfAbsent(segment.pc(), pc -> new double[2]);
                    sum[0] += segment.cpuSeconds();
                    sum[1] += segment.had();
                }
            }
        }
        Map<String, Double> shares = new LinkedHashMap<>();
        sums.forEach((pc, sum) -> shares.put(pc, sum[0] / sum[1]));
        return shares;
    }

    /**
     * The most jobs that ran at once on each PC. Each PC lends one core, so more than one means the scheduler
     * overbooked it, and on a machine whose cores are contended the overbooked jobs get more CPU between them.
     */
    public Map<String, Integer> mostJobsAtOnceByPc() {
        Map<String, List<double[]>> changes = new TreeMap<>();
        for (JobTimeline job : jobs) {
            for (Segment segment : job.segments()) {
                List<double[]> list = changes.computeIfAbsent(segment.pc(), pc -> new ArrayList<>());
                list.add(new double[] {segment.start(), 1});
                list.add(new double[] {segment.end(), -1});
            }
        }
        Map<String, Integer> most = new LinkedHashMap<>();
        changes.forEach((pc, list) -> {
            // ends before starts at the same instant: a job leaving and the next arriving is not an overlap
            list.sort(Comparator.<double[]>comparingDouble(c -> c[0]).thenComparingDouble(c -> c[1]));
            int now = 0;
            int max = 0;
            for (double[] change : list) {
                now += (int) change[1];
                max = Math.max(max, now);
            }
            most.put(pc, max);
        });
        return most;
    }

    public boolean allSucceeded() {
        return jobs.stream().allMatch(job -> job.state().equals("SUCCEEDED"));
    }

    /**
     * One machine-readable line: {@code {"demo":"upc-experiment","run":…,"totalCpuTimeSeconds":…,…}}.
     *
     * @param quotas     each PC's CPU quota in percent of a core
     * @param prediction the simulator's for the same plan
     */
    public String jsonLine(Map<String, Integer> quotas, DemoPrediction prediction) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("demo", "upc-experiment");
        line.put("run", run);
        line.put("totalCpuTimeSeconds", round(runSeconds()));
        line.put("makespanSeconds", round(makespan));
        line.put("meanTurnaroundSeconds", round(meanTurnaround()));
        line.put("cpuSeconds", cpuSeconds == null ? null : round(cpuSeconds));
        line.put("migrations", migrations.size());
        line.put("meanDowntimeMillis", Math.round(meanDowntimeMillis()));
        line.put("maxDowntimeMillis", maxDowntimeMillis());
        line.put("allSucceeded", allSucceeded());
        List<Map<String, Object>> jobLines = new ArrayList<>();
        for (JobTimeline job : jobs) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("name", job.name());
            j.put("units", job.units());
            j.put("state", job.state());
            j.put("finishedSeconds", Double.isNaN(job.finished()) ? null : round(job.finished()));
            j.put("cpuSeconds", job.cpuSeconds() == null ? null : round(job.cpuSeconds()));
            j.put("pcs", job.segments().stream().map(Segment::pc).toList());
            jobLines.add(j);
        }
        line.put("jobs", jobLines);
        List<Map<String, Object>> moves = new ArrayList<>();
        for (Migration m : migrations) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("job", m.job());
            j.put("from", m.from());
            j.put("to", m.to());
            j.put("atSeconds", round(m.start()));
            j.put("downtimeMillis", m.downtimeMillis());
            j.putAll(m.phases().details());
            j.put("sizeBytes", m.sizeBytes());
            j.put("tick", m.tick());
            moves.add(j);
        }
        line.put("migrationDetails", moves);
        Map<String, Double> shares = new LinkedHashMap<>();
        cpuShareByPc().forEach((pc, share) -> shares.put(pc, Math.round(share * 1000) / 1000.0));
        line.put("cpuShareByPc", shares);
        Map<String, Double> delivered = new LinkedHashMap<>();
        deliveredShareByPc(quotas).forEach((pc, share) -> delivered.put(pc, Math.round(share * 1000) / 1000.0));
        line.put("deliveredShareByPc", delivered);
        line.put("simulatorRatio", Math.round(prediction.runTimeRatio() * 1000) / 1000.0);
        line.put("simulator", prediction.json());
        line.put("mostJobsAtOnceByPc", mostJobsAtOnceByPc());
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report line", e);
        }
    }

    private static double seconds(Instant origin, Instant at) {
        return Duration.between(origin, at).toMillis() / 1000.0;
    }

    private static long millis(Map<String, Object> details, String key) {
        return details.get(key) instanceof Number n ? n.longValue() : 0;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
