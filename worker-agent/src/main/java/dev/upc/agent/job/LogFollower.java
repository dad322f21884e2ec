package dev.upc.agent.job;

import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.libpod.ContainerInfo;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.LibpodNotFoundException;
import dev.upc.agent.libpod.LibpodTimeoutException;
import dev.upc.agent.libpod.LogFrameDecoder;
import dev.upc.agent.libpod.LogLine;
import dev.upc.agent.libpod.LogStream;
import dev.upc.agent.libpod.StampedLogLine;
import dev.upc.agent.retry.Backoff;
import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobLogChunk;
import dev.upc.protocol.JobLogLine;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Ships one container's log while it runs. A reader thread follows libpod's log stream from the first line, numbers
 * the lines and puts them in a bounded {@link LogOutbox}; a shipper thread sends them to the {@link LogSink} in chunks.
 * Two threads, so that neither a quiet container (the reader blocks for hours) nor a slow scheduler (the shipper
 * retries) holds up the other, or any other container.
 *
 * <p>The stream is re-read from its start whenever it has to be opened again (after a quiet hour, a lost connection,
 * a podman restart): the log file is the same, so the first lines are the ones numbered before and are skipped.
 * A stream ends by itself when the container dies; a checkpoint that stops it does not end it, so {@link #finish}
 * gives the stream a moment to end and then reads what the log holds without following.
 */
final class LogFollower {

    private static final Logger LOG = Logger.getLogger(LogFollower.class);
    private static final int READ_BUFFER = 16 * 1024;

    private enum Outcome { ENDED, GONE, AGAIN, ENDED_EARLY, FAILED, STOPPED, UNREADABLE }

    private final String name;
    private final String jobId;
    private final long epoch;
    private final LibpodClient libpod;
    private final LogSink sink;
    private final LogShipper.Settings settings;
    private final ScheduledExecutorService timer;
    private final LogOutbox outbox;
    private final CountDownLatch shipped = new CountDownLatch(1);
    private final Thread reader;
    private final Thread shipper;
    /** Guards the reader's interrupts: it is interrupted only while it waits on a follow (or once stopped). */
    private final Object wake = new Object();
    private boolean following;
    private volatile boolean finishing;
    private volatile boolean followCut;
    private volatile boolean stopped;
    private volatile String lastFailure;
    /** Lines numbered so far; the reader's alone. */
    private long numbered;

    LogFollower(String name, String jobId, long epoch, LibpodClient libpod, LogSink sink, LogShipper.Settings settings,
                ScheduledExecutorService timer, LongSupplier capacityBytes) {
        this.name = name;
        this.jobId = jobId;
        this.epoch = epoch;
        this.libpod = libpod;
        this.sink = sink;
        this.settings = settings;
        this.timer = timer;
        this.outbox = new LogOutbox(jobId, epoch, capacityBytes, settings.chunkBytes(), settings.linger().toNanos());
        this.reader = daemon(this::readLoop, "upc-log-read-" + name);
        this.shipper = daemon(this::shipLoop, "upc-log-ship-" + name);
    }

    void start() {
        reader.start();
        shipper.start();
    }

    /**
     * The container stopped (exited, or a checkpoint took it down): read its log to the end and ship it all, marked
     * complete. Returns at once.
     */
    void finish() {
        if (finishing) {
            return;
        }
        finishing = true;
        timer.schedule(this::cutFollow, settings.finishGrace().toMillis(), TimeUnit.MILLISECONDS);
        synchronized (wake) {
            wake.notifyAll(); // a reader pausing after a failure tries again now
        }
    }

    /** Waits until everything read was shipped to the end, or shipping stopped. */
    boolean awaitShipped(Duration limit) throws InterruptedException {
        return shipped.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean done() {
        return shipped.getCount() == 0;
    }

    /** Stops now: lines not shipped yet are dropped (and counted). */
    void stop() {
        synchronized (wake) {
            if (stopped) {
                return;
            }
            stopped = true;
            reader.interrupt(); // wakes an exchange waiting for libpod, or a read of the stream
            wake.notifyAll();
        }
        outbox.close();
        shipper.interrupt();
    }

    /**
     * The container is gone from the agent's books: keep shipping what was read, but stop after {@code keep} if the
     * scheduler has not taken it by then.
     */
    void release(Duration keep) {
        finish();
        timer.schedule(() -> {
            if (!done()) {
                LOG.warnf("container=%s job=%s epoch=%d: its log was not shipped within %d s of the container's end;"
                        + " giving up (%s)", name, jobId, epoch, keep.toSeconds(), lastFailure);
                stop();
            }
        }, keep.toMillis(), TimeUnit.MILLISECONDS);
    }

    LogOutbox.Counts counts() {
        return outbox.counts();
    }

    // ---- reading ---------------------------------------------------------------------------------------------------

    private void readLoop() {
        Backoff backoff = new Backoff(settings.retryFirst(), settings.retryMax());
        boolean failing = false;
        while (!stopped) {
            boolean followIt = !followCut;
            Outcome outcome = readOnce(followIt);
            switch (outcome) {
                case ENDED, UNREADABLE -> {
                    outbox.end();
                    return;
                }
                case GONE -> {
                    LOG.debugf("container=%s is gone: its log ends with line %d", name, numbered);
                    outbox.end();
                    return;
                }
                case STOPPED -> {
                    return;
                }
                case AGAIN -> {
                    backoff.reset();
                    failing = false;
                }
                case ENDED_EARLY -> pause(backoff.next()); // e.g. paused from outside: podman ends follows at once
                case FAILED -> {
                    Duration wait = backoff.next();
                    if (!failing) {
                        LOG.warnf("container=%s: reading its log failed (%s); again in %d ms, and so on until it works",
                                name, lastFailure, wait.toMillis());
                        failing = true;
                    }
                    pause(wait);
                }
            }
        }
    }

    /** Opens the log once (following it, or as it is now) and reads it to its end or a failure. */
    private Outcome readOnce(boolean followIt) {
        synchronized (wake) {
            if (stopped) {
                return Outcome.STOPPED;
            }
            following = followIt;
        }
        LogFrameDecoder decoder = new LogFrameDecoder(JobLogLine.MAX_TEXT);
        long[] seen = {0};
        try {
            try (LogStream stream = followIt ? libpod.followLogs(name, settings.quietLimit()) : libpod.readLogs(name)) {
                byte[] buffer = new byte[READ_BUFFER];
                for (int n; (n = stream.read(buffer)) != -1; ) {
                    try {
                        decoder.feed(buffer, 0, n, line -> take(line, ++seen[0]));
                    } catch (IllegalArgumentException e) {
                        throw new UnreadableLog(e);
                    }
                }
            }
        } catch (LibpodNotFoundException e) {
            return Outcome.GONE;
        } catch (LibpodTimeoutException e) {
            return stopped ? Outcome.STOPPED : Outcome.AGAIN; // a quiet hour: follow again
        } catch (UnreadableLog e) {
            LOG.errorf("container=%s: its log is not in libpod's frames (%s); shipped up to line %d, no further", name,
                    e.getCause().getMessage(), numbered);
            return Outcome.UNREADABLE;
        } catch (IOException | RuntimeException e) {
            if (stopped) {
                return Outcome.STOPPED;
            }
            if (followIt && followCut) {
                return Outcome.AGAIN; // finish cut the follow short: read what is there
            }
            lastFailure = Failures.describe(e);
            return Outcome.FAILED;
        } finally {
            synchronized (wake) {
                following = false;
                if (!stopped) {
                    Thread.interrupted(); // an interrupt meant for the follow must not fail the next call
                }
            }
        }
        if (followIt && stillAlive()) {
            return Outcome.ENDED_EARLY; // podman ended the stream while the container lives: follow on
        }
        decoder.end(line -> take(line, ++seen[0]));
        return Outcome.ENDED;
    }

    /** The {@code number}th line of the log: new unless an earlier reading numbered it already. */
    private void take(StampedLogLine line, long number) {
        if (number <= numbered) {
            return;
        }
        Instant at = line.at() != null ? line.at() : Instant.now();
        String stream = line.stream() == LogLine.Stream.STDERR ? "stderr" : "stdout";
        if (outbox.add(number, new JobLogLine(at, stream, line.text()))) {
            numbered = number;
        }
    }

    private boolean stillAlive() {
        try {
            ContainerInfo info = libpod.inspect(name);
            return info.running() || "paused".equals(info.status());
        } catch (RuntimeException e) {
            return false; // gone, or libpod cannot say: the end it sent is the end
        }
    }

    /** At the finish's grace: stop waiting for the follow to end by itself. */
    private void cutFollow() {
        synchronized (wake) {
            followCut = true;
            if (following) {
                reader.interrupt(); // aborts the exchange or the read it blocks in
            }
            wake.notifyAll();
        }
    }

    private void pause(Duration wait) {
        synchronized (wake) {
            if (stopped) {
                return;
            }
            try {
                wake.wait(wait.toMillis());
            } catch (InterruptedException e) {
                // stopped, or a cut: the loop looks
            }
        }
    }

    // ---- shipping --------------------------------------------------------------------------------------------------

    private void shipLoop() {
        Backoff backoff = new Backoff(settings.retryFirst(), settings.retryMax());
        boolean failing = false;
        try {
            JobLogChunk chunk;
            while ((chunk = outbox.nextChunk()) != null) {
                JobLogAck ack;
                try {
                    ack = sink.ship(chunk);
                } catch (RuntimeException e) {
                    if (stopped) {
                        return;
                    }
                    lastFailure = Failures.describe(e);
                    if (!worthRetrying(e)) {
                        LOG.warnf("container=%s job=%s epoch=%d: the scheduler refused its log (%s); not shipping it",
                                name, jobId, epoch, lastFailure);
                        stop();
                        return;
                    }
                    Duration wait = backoff.next();
                    if (!failing) {
                        LOG.warnf("container=%s: shipping its log failed (%s); keeping %d KiB of it and trying again in"
                                + " %d ms", name, lastFailure, outbox.counts().pendingBytes() / 1024, wait.toMillis());
                        failing = true;
                    }
                    outbox.pause(wait); // cut short when the log ends: the last lines should not wait a full backoff
                    continue;
                }
                if (failing) {
                    LOG.infof("container=%s: shipping its log works again", name);
                    failing = false;
                }
                backoff.reset();
                if (!ack.accepting()) {
                    LOG.infof("container=%s job=%s epoch=%d: the scheduler takes no more of its log (%s); stopped"
                            + " shipping it", name, jobId, epoch, ack.reason());
                    stop();
                    return;
                }
                outbox.delivered(chunk, ack.nextLine());
            }
        } catch (InterruptedException e) {
            // stopped
        } finally {
            LogOutbox.Counts counts = outbox.counts();
            if (counts.dropped() > 0) {
                LOG.warnf("container=%s job=%s epoch=%d log lines=%d shipped=%d skipped=%d dropped=%d", name, jobId,
                        epoch, counts.read(), counts.shipped(), counts.skipped(), counts.dropped());
            } else {
                LOG.debugf("container=%s job=%s epoch=%d log lines=%d shipped=%d skipped=%d complete=%s", name, jobId,
                        epoch, counts.read(), counts.shipped(), counts.skipped(), outbox.endDelivered());
            }
            shipped.countDown();
        }
    }

    /** Worth another try: no answer, a failing or busy scheduler, or credentials being renewed. */
    private static boolean worthRetrying(RuntimeException e) {
        if (e instanceof ControlPlaneException failure) {
            return failure.retryable() || failure.unauthorized() || failure.status() == 403;
        }
        return true;
    }

    /** Bytes that are not libpod log frames: reading again would find the same. */
    private static final class UnreadableLog extends RuntimeException {
        UnreadableLog(IllegalArgumentException cause) {
            super(cause);
        }
    }

    private static Thread daemon(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }
}
