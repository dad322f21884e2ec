package dev.upc.cli.render;

import dev.upc.protocol.JobEvent;
import dev.upc.protocol.JobInfo;
import dev.upc.protocol.JobInput;
import dev.upc.protocol.JobState;
import dev.upc.protocol.JobSubmission;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** What {@code upc jobs show} prints: the job's fields, then its history. */
public final class JobDetails {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    /** Arguments a shell would read as they are. */
    private static final Pattern PLAIN_ARGUMENT = Pattern.compile("[A-Za-z0-9_./=:,+@%^-]+");

    private final Instant now;
    private final ZoneId zone;

    public JobDetails(Instant now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    public List<String> lines(JobInfo job, List<JobEvent> events) {
        Fields fields = new Fields();
        JobSubmission spec = job.submission();
        fields.add("ID", job.id());
        fields.add("NAME", spec == null ? null : spec.name());
        fields.add("OWNER", job.owner());
        fields.add("STATE", state(job));
        if (job.state() == JobState.QUEUED) {
            fields.add("WAITING", job.waitingReason() == null ? "for a PC" : job.waitingReason());
        }
        fields.add("PROGRESS", progress(job));
        fields.add("CPU", CpuTime.of(job.cpuSeconds()));
        fields.add("RETRIES", spec == null ? String.valueOf(job.retries())
                : job.retries() + " of " + spec.maxRetries());
        fields.add("EXIT CODE", job.exitCode() == null ? null : job.exitCode().toString());
        fields.add("REASON", job.reason());
        if (spec != null) {
            fields.add("IMAGE", spec.image());
            fields.add("COMMAND", command(spec.command()));
            fields.add("RESOURCES", resources(spec));
            if (!spec.env().isEmpty()) {
                fields.add("ENV", String.join(" ", spec.env().entrySet().stream()
                        .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue()).toList()));
            }
            for (JobInput input : spec.inputs()) {
                fields.add("INPUT", input.path() + " (" + Sizes.bytes(input.sizeBytes()) + ", "
                        + String.format(Locale.ROOT, "%04o", input.mode()) + ")");
            }
            if (spec.outputPath() != null) {
                fields.add("OUTPUT", spec.outputPath()
                        + (job.hasOutput() ? " (ready: upc jobs output " + job.id() + ")" : ""));
            }
        }
        fields.add("SUBMITTED", when(job.submittedAt()));
        fields.add("STARTED", when(job.startedAt()));
        fields.add("FINISHED", when(job.finishedAt()));

        List<String> lines = new ArrayList<>(fields.lines());
        if (!events.isEmpty()) {
            lines.add("");
            lines.add("EVENTS");
            Table table = Table.withColumns("TIME", "EVENT", "EPOCH", "PC", "DETAILS").alignRight("EPOCH");
            java.util.Map<String, String> names = new java.util.HashMap<>();
            events.stream().filter(e -> e.workerId() != null && e.workerName() != null)
                    .forEach(e -> names.put(e.workerId(), e.workerName()));
            if (job.workerId() != null && job.workerName() != null) {
                names.put(job.workerId(), job.workerName());
            }
            for (JobEvent event : events) {
                table.row(time(event.at()), event.type().name(), String.valueOf(event.epoch()),
                        event.workerName() != null ? event.workerName() : pc(event.workerId(), job),
                        EventText.details(event, names));
            }
            lines.addAll(table.lines());
        }
        return lines;
    }

    private static String state(JobInfo job) {
        String state = JobStateLine.word(job);
        if (!job.state().terminal() && job.state() != JobState.QUEUED) {
            state += " on " + JobTable.pc(job);
        }
        if (job.suspendedSince() != null) {
            state += ", held for its owner since " + job.suspendedSince();
        }
        return state + (job.epoch() > 0 ? " (epoch " + job.epoch() + ")" : "");
    }

    private static String progress(JobInfo job) {
        Double estimate = job.submission() == null ? null : job.submission().workEstimate();
        if (estimate == null) {
            return Cells.NONE + " (no work estimate)";
        }
        return JobProgress.percent(job) + " of " + CpuTime.of(estimate) + " estimated work";
    }

    private static String resources(JobSubmission spec) {
        List<String> parts = new ArrayList<>();
        parts.add(spec.cpus() + (spec.cpus() == 1 ? " CPU" : " CPUs"));
        parts.add(Sizes.mebibytes(spec.memoryMiB()));
        if (spec.checkpointIntervalSeconds() != null && spec.checkpointIntervalSeconds() > 0) {
            parts.add("checkpoint every " + RelativeTime.of(Duration.ofSeconds(spec.checkpointIntervalSeconds())));
        }
        parts.add(Boolean.FALSE.equals(spec.migratable()) ? "not migratable" : "migratable");
        parts.add("up to " + spec.maxRetries() + " retries");
        return String.join(", ", parts);
    }

    /** The argv as a shell would need it typed. */
    static String command(List<String> argv) {
        if (argv == null) {
            return null;
        }
        List<String> quoted = new ArrayList<>();
        for (String argument : argv) {
            quoted.add(PLAIN_ARGUMENT.matcher(argument).matches() ? argument
                    : "'" + argument.replace("'", "'\\''") + "'");
        }
        return String.join(" ", quoted);
    }

    private String when(Instant instant) {
        if (instant == null) {
            return null;
        }
        return ZonedDateTime.ofInstant(instant, zone).format(DATE_TIME) + " (" + RelativeTime.ago(instant, now)
                + " ago)";
    }

    /** The time of day for today's events, the date too for older ones. */
    private String time(Instant instant) {
        if (instant == null) {
            return Cells.NONE;
        }
        ZonedDateTime at = ZonedDateTime.ofInstant(instant, zone);
        boolean today = at.toLocalDate().equals(ZonedDateTime.ofInstant(now, zone).toLocalDate());
        return at.format(today ? TIME : DATE_TIME);
    }

    private static String pc(String workerId, JobInfo job) {
        if (workerId == null) {
            return Cells.NONE;
        }
        return Objects.equals(workerId, job.workerId()) && job.workerName() != null ? job.workerName() : workerId;
    }

    /** Label–value lines with the values aligned; absent values read "—". */
    private static final class Fields {
        private final List<String[]> pairs = new ArrayList<>();

        void add(String label, String value) {
            pairs.add(new String[] {label, Cells.orNone(value)});
        }

        List<String> lines() {
            int width = pairs.stream().mapToInt(p -> p[0].length()).max().orElse(0);
            return pairs.stream().map(p -> p[0] + " ".repeat(width - p[0].length() + 3) + p[1]).toList();
        }
    }
}
