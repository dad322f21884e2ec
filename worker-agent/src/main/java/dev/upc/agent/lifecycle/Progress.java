package dev.upc.agent.lifecycle;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Wakes the agent's loops when there is news: a command done, an event queued or acknowledged, the agent closing.
 * It counts signals, and a wait starts from a count read before the work it follows, not from a moment: progress
 * between the read and the wait is not missed. (A command done and acknowledged while the poll still returned it used
 * to leave the poll asleep for its whole pause while the next command waited: about 2 s between one job's end and the
 * next job's start on a PC.)
 */
final class Progress {

    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private long count;
    private boolean closed;

    void signal() {
        synchronized (lock) {
            count++;
            lock.notifyAll();
        }
    }

    /** Ends every wait, now and later. */
    void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }

    /** The count to wait from. */
    long seen() {
        synchronized (lock) {
            return count;
        }
    }

    /** Waits until a signal came after {@code seen} was read, {@code limit} passed, or this closed. */
    void await(long seen, Duration limit) {
        waitUntil(() -> count != seen, limit);
    }

    /** Sleeps {@code duration}, or until this closes. */
    void pause(Duration duration) {
        waitUntil(() -> false, duration);
    }

    private void waitUntil(BooleanSupplier done, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (lock) {
            while (!done.getAsBoolean() && !closed) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    boolean closed() {
        synchronized (lock) {
            return closed;
        }
    }
}
