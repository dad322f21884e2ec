package dev.upc.agent.libpod.uds;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Closes an exchange's connection when it makes no progress in time. Blocking channel I/O has no
 * timeouts of its own; closing the channel from here wakes the blocked thread with an exception.
 * One timer thread serves every exchange, and it only wakes at deadlines: no polling.
 */
final class ExchangeWatch {

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Closeable connection;
    private volatile long lastProgress = System.nanoTime();
    private volatile long limitNanos;
    private volatile String waitingFor = "the connection";
    private volatile boolean expired;
    private volatile boolean done;
    private ScheduledFuture<?> check;

    ExchangeWatch(Closeable connection) {
        this.connection = connection;
    }

    /** Starts a phase: from now on, {@code waitingFor} must make progress at least every {@code limit}. */
    synchronized void expect(String waitingFor, Duration limit) {
        this.waitingFor = waitingFor;
        this.limitNanos = limit.toNanos();
        this.lastProgress = System.nanoTime();
        if (check != null) {
            check.cancel(false);
        }
        if (!done) {
            check = TIMER.schedule(this::check, limitNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Called on every successful read or write: cheap, one volatile store. */
    void progress() {
        lastProgress = System.nanoTime();
    }

    boolean expired() {
        return expired;
    }

    String describe() {
        return "no progress on " + waitingFor + " for " + Duration.ofNanos(limitNanos).toMillis() + " ms";
    }

    synchronized void finish() {
        done = true;
        if (check != null) {
            check.cancel(false);
        }
    }

    private synchronized void check() {
        if (done) {
            return;
        }
        long due = lastProgress + limitNanos;
        long now = System.nanoTime();
        if (now - due >= 0) {
            expired = true;
            done = true;
            try {
                connection.close();
            } catch (IOException ignored) {
                // closing is all we can do; the blocked caller sees the timeout
            }
        } else {
            check = TIMER.schedule(this::check, due - now, TimeUnit.NANOSECONDS);
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "upc-libpod-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
