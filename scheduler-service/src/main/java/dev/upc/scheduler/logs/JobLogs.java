package dev.upc.scheduler.logs;

import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobLogChunk;
import dev.upc.protocol.JobLogEntry;
import dev.upc.scheduler.access.Caller;
import dev.upc.scheduler.client.WorkerNames;
import dev.upc.scheduler.config.SchedulerConfig;
import dev.upc.scheduler.job.Job;
import dev.upc.scheduler.service.JobService;
import dev.upc.scheduler.service.JobStore;
import dev.upc.scheduler.service.SchedulerException;
import dev.upc.scheduler.service.Wakeups;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Jobs' logs: agents append the lines their containers print while they run; owners read them, all placements
 * stitched into one log ({@link LogStitcher}), once or following until the job is over.
 */
@ApplicationScoped
public class JobLogs {

    /** How long a follower waits for news before looking anyway (placements do not wake it). */
    private static final Duration POLL = Duration.ofSeconds(1);
    /** How long after a job ended lines may still come from an agent that reported the end first. */
    private static final Duration STRAGGLERS = Duration.ofSeconds(3);

    private final Pool pool;
    private final LogStore logs;
    private final JobStore jobStore;
    private final JobService jobs;
    private final WorkerNames names;
    private final Wakeups wakeups;
    private final Clock clock;
    private final long capBytes;

    JobLogs(Pool pool, LogStore logs, JobStore jobStore, JobService jobs, WorkerNames names, Wakeups wakeups,
            Clock clock, SchedulerConfig config) {
        this.pool = pool;
        this.logs = logs;
        this.jobStore = jobStore;
        this.jobs = jobs;
        this.names = names;
        this.wakeups = wakeups;
        this.clock = clock;
        this.capBytes = config.logs().maxBytesPerPlacement();
    }

    /** An agent's lines of one of its containers; only the worker that ran that epoch may send them. */
    public Uni<JobLogAck> append(String workerId, JobLogChunk chunk) {
        return logs.placedOn(pool, chunk.jobId(), chunk.epoch(), workerId).chain(placed -> {
            if (!placed) {
                return Uni.createFrom().failure(SchedulerException.forbidden("worker " + workerId
                        + " never ran job " + chunk.jobId() + " in epoch " + chunk.epoch()));
            }
            return pool.withTransaction(c -> logs.append(c, workerId, chunk, capBytes, clock.instant()));
        });
    }

    /** The job's log as one, for its owner (or an admin); with {@code follow}, new entries until the job is over. */
    public Multi<JobLogEntry> read(Caller caller, String jobId, boolean follow) {
        return jobs.find(caller, jobId).onItem().transformToMulti(job -> {
            Reader reader = new Reader(jobId);
            if (!follow) {
                return reader.next(true).onItem().transformToMulti(batch -> Multi.createFrom().iterable(batch.entries()));
            }
            return Multi.createBy().repeating().uni(() -> reader.next(false)).whilst(batch -> !batch.last())
                    .onItem().transformToIterable(Batch::entries);
        });
    }

    private record Batch(List<JobLogEntry> entries, boolean last) {
    }

    /** One reader's view: what it has seen of the job's chunks, and its stitcher. */
    private final class Reader {
        private final String jobId;
        private final LogStitcher stitcher = new LogStitcher();
        private long seenSeq;
        private boolean started;

        Reader(String jobId) {
            this.jobId = jobId;
        }

        /** The next entries, after waiting for news unless this is the first look; {@code now}: all there is. */
        Uni<Batch> next(boolean now) {
            CompletableFuture<Void> woken = wakeups.register(Wakeups.Channel.LOGS, jobId);
            Uni<Void> wait = now || !started ? Uni.createFrom().voidItem()
                    : Uni.createFrom().completionStage(woken).ifNoItem().after(POLL).recoverWithItem((Void) null);
            started = true;
            return wait.chain(() -> look(now)).onTermination()
                    .invoke(() -> wakeups.unregister(Wakeups.Channel.LOGS, jobId, woken));
        }

        private Uni<Batch> look(boolean everything) {
            return jobStore.find(pool, jobId).chain(job -> logs.placements(pool, jobId).chain(placements ->
                    logs.epochs(pool, jobId).chain(epochs -> logs.chunks(pool, jobId, seenSeq).map(chunks -> {
                        Instant at = clock.instant();
                        placements.forEach(p -> stitcher.placement(new LogStitcher.Placement(p.epoch(), p.workerId(),
                                names.name(p.workerId()), p.restored(), p.at())));
                        for (LogStore.StoredChunk chunk : chunks) {
                            stitcher.lines(chunk.epoch(), chunk.firstLine(), chunk.lines(), chunk.receivedAt());
                            seenSeq = Math.max(seenSeq, chunk.seq());
                        }
                        epochs.stream().filter(LogStore.EpochLog::complete)
                                .forEach(e -> stitcher.complete(e.epoch(), e.capped()));
                        boolean ended = ended(job, epochs, at);
                        if (everything) {
                            return new Batch(stitcher.snapshot(at, ended), true);
                        }
                        return new Batch(stitcher.drain(at, ended), ended);
                    }))));
        }

        private boolean ended(Job job, List<LogStore.EpochLog> epochs, Instant now) {
            if (job == null) {
                return true;
            }
            if (!job.state().terminal()) {
                return false;
            }
            boolean allComplete = epochs.stream().allMatch(LogStore.EpochLog::complete);
            Instant finished = job.toInfo(null).finishedAt();
            return allComplete || finished == null || !now.isBefore(finished.plus(STRAGGLERS));
        }
    }

    /** An entry as a line of plain text: job lines as printed, UPC's own remarks prefixed. */
    public static String text(JobLogEntry entry) {
        return switch (entry.type()) {
            case LINE -> entry.text() + "\n";
            case EPOCH -> "[upc] epoch " + entry.epoch() + ": " + entry.text() + "\n";
            case NOTE -> "[upc] " + entry.text() + "\n";
        };
    }
}
