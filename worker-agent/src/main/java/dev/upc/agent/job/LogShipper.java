package dev.upc.agent.job;

import dev.upc.agent.libpod.LibpodClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jboss.logging.Logger;

/**
 * Ships the output of every job container to the scheduler while it runs, one {@link LogFollower} per container:
 * started when RUN started a container, RESTORE restored one, or the agent re-adopts one after a restart; finished
 * when the container stops; stopped when it is killed or cleaned up. Nothing here blocks a job command: every call
 * returns at once except {@link #awaitShipped}, which waits as long as it is told.
 *
 * <p>Memory stays bounded whatever the jobs print: each container's unshipped lines are held up to
 * {@link Settings#bufferBytes}, all containers' together up to {@link Settings#totalBufferBytes}.
 */
public final class LogShipper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LogShipper.class);

    /**
     * How logs are shipped.
     *
     * @param linger           how long a line may wait for others to share its chunk
     * @param chunkBytes       a chunk's size at most (its JSON, about)
     * @param bufferBytes      one container's unshipped lines at most
     * @param totalBufferBytes all containers' unshipped lines at most (each gets its share, at least a chunk)
     * @param quietLimit       how long a follow may go without a byte before it is opened again (libpod's follow has
     *                         no keep-alive: this is how a dead connection is noticed)
     * @param finishGrace      after the container stopped, how long its follow may take to end by itself before the
     *                         rest of the log is read without following
     * @param retryFirst       first wait after a failure, doubling up to {@code retryMax}
     * @param retryMax         longest wait between attempts
     * @param keepAfterRemoval how long the lines of a removed container are still offered to a scheduler that is away
     */
    public record Settings(Duration linger, int chunkBytes, long bufferBytes, long totalBufferBytes,
                           Duration quietLimit, Duration finishGrace, Duration retryFirst, Duration retryMax,
                           Duration keepAfterRemoval) {

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(1), 256 * 1024, 2L << 20, 8L << 20, Duration.ofHours(1),
                    Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(5));
        }
    }

    private final LibpodClient libpod;
    private final LogSink sink;
    private final Settings settings;
    private final Map<String, LogFollower> followers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "upc-log-timer");
        thread.setDaemon(true);
        return thread;
    });

    public LogShipper(LibpodClient libpod, LogSink sink, Settings settings) {
        this.libpod = libpod;
        this.sink = sink;
        this.settings = settings;
    }

    /**
     * Starts shipping the log of a container that runs (or has just ended: then its whole log goes, marked complete),
     * numbered from its first line. Does nothing while a follower of that name is at work.
     */
    public void follow(String name, String jobId, long epoch) {
        followers.compute(name, (n, existing) -> {
            if (existing != null && !existing.done()) {
                return existing;
            }
            LogFollower follower = new LogFollower(name, jobId, epoch, libpod, sink, settings, timer, this::shareBytes);
            follower.start();
            LOG.debugf("container=%s job=%s epoch=%d: shipping its log", name, jobId, epoch);
            return follower;
        });
    }

    /** The container stopped: its follower reads the log to the end and ships the rest. Returns at once. */
    public void finish(String name) {
        LogFollower follower = followers.get(name);
        if (follower != null) {
            follower.finish();
        }
    }

    /**
     * Waits until the container's log was read to its end and shipped (or shipping stopped), at most {@code limit}.
     *
     * @return true when it was, or there is no follower for that name
     */
    public boolean awaitShipped(String name, Duration limit) {
        LogFollower follower = followers.get(name);
        if (follower == null) {
            return true;
        }
        try {
            return follower.awaitShipped(limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The container was killed or cleaned up: stop shipping its log now and forget it. */
    public void stop(String name) {
        LogFollower follower = followers.remove(name);
        if (follower != null) {
            follower.stop();
        }
    }

    /**
     * The container was removed after its end: forget it, but let its follower offer what it read for
     * {@link Settings#keepAfterRemoval} more if the scheduler has not taken it yet.
     */
    public void release(String name) {
        LogFollower follower = followers.remove(name);
        if (follower != null && !follower.done()) {
            follower.release(settings.keepAfterRemoval());
        }
    }

    /** Whether a follower of that name is at work. */
    public boolean following(String name) {
        LogFollower follower = followers.get(name);
        return follower != null && !follower.done();
    }

    /** What became of the container's lines so far, while it has a follower here. */
    java.util.Optional<LogOutbox.Counts> counts(String name) {
        return java.util.Optional.ofNullable(followers.get(name)).map(LogFollower::counts);
    }

    /** Stops every follower; their containers' logs are followed again from the first line at the next start. */
    @Override
    public void close() {
        followers.values().forEach(LogFollower::stop);
        followers.clear();
        timer.shutdownNow();
    }

    /** One container's bound: its share of the total, at least a chunk, at most {@link Settings#bufferBytes}. */
    private long shareBytes() {
        long share = settings.totalBufferBytes() / Math.max(1, followers.size());
        return Math.max(settings.chunkBytes(), Math.min(settings.bufferBytes(), share));
    }
}
