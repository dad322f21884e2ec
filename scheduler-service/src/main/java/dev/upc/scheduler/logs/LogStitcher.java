package dev.upc.scheduler.logs;

import dev.upc.protocol.JobLogEntry;
import dev.upc.protocol.JobLogLine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Makes one log of a job out of the logs of its placements (epochs), as they arrive. Each placement's container
 * numbers its lines from 1, and a container restored from a checkpoint begins with the lines the checkpoint carried
 * over: those are shown once, where they were first printed. A restore from an older checkpoint than the last one
 * that printed repeats output; those lines are marked {@code repeated}.
 *
 * <p>Fed incrementally ({@link #placement}, {@link #lines}, {@link #complete}), it hands out entries with
 * {@link #drain} as soon as they are certain, and never takes one back: a follower sees the same log as a later
 * reader. How many lines a restored container carried is certain once a line differs from the job's log so far,
 * once it has more lines than that log, or once its placement is over; a placement is over when its agent said so,
 * or when a later placement began and it has been quiet for {@link #QUIET}.
 */
public final class LogStitcher {

    /** How long a superseded placement may still send lines before its log is taken as ended. */
    public static final Duration QUIET = Duration.ofSeconds(5);

    /**
     * A placement of the job.
     *
     * @param restored   its container was restored from a checkpoint (else started afresh)
     * @param workerName the PC's name, for people (null: unknown)
     */
    public record Placement(long epoch, String workerId, String workerName, boolean restored, Instant at) {
    }

    private final List<Placement> placements = new ArrayList<>();
    private final Map<Long, TreeMap<Long, JobLogLine>> received = new HashMap<>();
    private final Map<Long, Instant> heardAt = new HashMap<>();
    private final Set<Long> complete = new HashSet<>();
    private final Set<Long> capped = new HashSet<>();
    /** The job's log as shown so far: line n is element n - 1. */
    private final List<JobLogLine> lineage = new ArrayList<>();
    private int current;
    /** Lines the current placement carried over; -1 while not yet certain. */
    private long carried = -1;
    /** The job's log length when the current placement began: its lines up to here repeat output. */
    private long repeatLimit;
    private long shownThrough;
    private boolean cappedNoted;

    /** A placement became known (in epoch order; a known one again is ignored). */
    public void placement(Placement placement) {
        if (placements.stream().noneMatch(p -> p.epoch() == placement.epoch())) {
            placements.add(placement);
            placements.sort(java.util.Comparator.comparingLong(Placement::epoch));
        }
    }

    /** Lines of one placement's container, numbered from {@code firstLine}, received at {@code now}. */
    public void lines(long epoch, long firstLine, List<JobLogLine> lines, Instant now) {
        TreeMap<Long, JobLogLine> byNumber = received.computeIfAbsent(epoch, e -> new TreeMap<>());
        for (int i = 0; i < lines.size(); i++) {
            byNumber.putIfAbsent(firstLine + i, lines.get(i));
        }
        heardAt.put(epoch, now);
    }

    /** The placement's agent sent its last line ({@code capped}: it was cut at the size cap). */
    public void complete(long epoch, boolean wasCapped) {
        complete.add(epoch);
        if (wasCapped) {
            capped.add(epoch);
        }
    }

    /**
     * The entries that became certain. With {@code finished} (the job is over, or a reader wants everything now)
     * every placement is taken as ended.
     */
    public List<JobLogEntry> drain(Instant now, boolean finished) {
        return drain(now, finished, false);
    }

    /**
     * Everything there is now, for a reader who looks once: every placement but the last is taken as ended (no
     * waiting for a quiet spell), the last one only when the job is {@code finished}; a restored last placement that
     * has sent nothing yet does not show yet.
     */
    public List<JobLogEntry> snapshot(Instant now, boolean finished) {
        return drain(now, finished, true);
    }

    private List<JobLogEntry> drain(Instant now, boolean finished, boolean snapshot) {
        List<JobLogEntry> out = new ArrayList<>();
        while (current < placements.size()) {
            Placement p = placements.get(current);
            boolean superseded = current + 1 < placements.size();
            boolean over = finished || complete.contains(p.epoch()) || (superseded && (snapshot
                    || quietSince(p.epoch(), placements.get(current + 1).at(), now)));
            if (carried < 0 && !decideCarried(p, over, out)) {
                return out; // not certain yet
            }
            showReceived(p, over, out);
            if (!over) {
                return out;
            }
            if (capped.contains(p.epoch()) && !cappedNoted) {
                out.add(JobLogEntry.note(p.epoch(), "this placement's log reached its size cap; later lines were not "
                        + "kept"));
            }
            current++;
            carried = -1;
            cappedNoted = false;
        }
        return out;
    }

    private boolean quietSince(long epoch, Instant nextStarted, Instant now) {
        Instant last = heardAt.getOrDefault(epoch, nextStarted);
        Instant since = last.isAfter(nextStarted) ? last : nextStarted;
        return !now.isBefore(since.plus(QUIET));
    }

    /** Works out how many lines the placement carried over; false while that is not certain. */
    private boolean decideCarried(Placement p, boolean over, List<JobLogEntry> out) {
        TreeMap<Long, JobLogLine> lines = received.getOrDefault(p.epoch(), new TreeMap<>());
        if (p.restored() && lines.isEmpty() && over) {
            // A restore that printed nothing (it failed, or its PC vanished first): the log stays as it was for the
            // next placement to continue.
            carried = lineage.size();
            repeatLimit = 0;
            shownThrough = lineage.size();
            out.add(new JobLogEntry(JobLogEntry.Type.EPOCH, p.epoch(), null, p.at(), null,
                    "restored on " + (p.workerName() != null ? p.workerName() : p.workerId()) + "; no output came from it",
                    p.workerId(), null, null, null));
            return true;
        }
        long matched = 0;
        if (p.restored()) {
            while (true) {
                JobLogLine line = lines.get(matched + 1);
                if (matched >= lineage.size()) {
                    break; // more than the log so far: the rest is new
                }
                if (line == null) {
                    if (!over) {
                        return false; // could still match
                    }
                    break;
                }
                if (!line.equals(lineage.get((int) matched))) {
                    break;
                }
                matched++;
            }
        }
        carried = matched;
        repeatLimit = p.restored() ? lineage.size() : 0;
        shownThrough = matched;
        boolean repeats = p.restored() && lineage.size() > matched;
        out.add(new JobLogEntry(JobLogEntry.Type.EPOCH, p.epoch(), null, p.at(), null, summary(p, matched, repeats),
                p.workerId(), p.restored() ? matched : 0L, repeats ? (long) lineage.size() : null, null));
        if (p.restored()) {
            lineage.subList((int) matched, lineage.size()).clear();
        } else {
            lineage.clear();
        }
        return true;
    }

    private void showReceived(Placement p, boolean over, List<JobLogEntry> out) {
        TreeMap<Long, JobLogLine> lines = received.getOrDefault(p.epoch(), new TreeMap<>());
        while (true) {
            JobLogLine line = lines.remove(shownThrough + 1);
            if (line == null) {
                var later = lines.ceilingKey(shownThrough + 1);
                if (later == null || !over) {
                    return;
                }
                out.add(JobLogEntry.note(p.epoch(), "lines " + (shownThrough + 1) + "–" + (later - 1)
                        + " of this placement were not received"));
                shownThrough = later - 1;
                continue;
            }
            shownThrough++;
            out.add(JobLogEntry.line(p.epoch(), shownThrough, line.at(), line.stream(), line.text(),
                    shownThrough <= repeatLimit));
            lineage.add(line);
        }
    }

    private String summary(Placement p, long matched, boolean repeats) {
        String where = p.workerName() != null ? p.workerName() : p.workerId();
        if (!p.restored()) {
            return (p.epoch() == placements.get(0).epoch() ? "started on " : "started again from the beginning on ")
                    + where;
        }
        String text = "restored on " + where + " from a checkpoint; continues after line " + matched;
        if (repeats) {
            text += "; lines " + (matched + 1) + "–" + lineage.size()
                    + " repeat output of the placement before, which was lost after that checkpoint";
        }
        return text;
    }
}
