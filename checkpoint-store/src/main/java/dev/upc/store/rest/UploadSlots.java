package dev.upc.store.rest;

import io.vertx.core.Context;
import java.util.ArrayDeque;

/**
 * Admission of uploads. An upload being read holds about 6 MiB (up to 2 MiB of body queued on the heap for the
 * worker, two 2 MiB direct-I/O buffers), and a 64 MiB store has 64 MiB of each: 24 uploads at once exhausted its
 * direct memory (500s) before uploads were admitted. So at most {@code limit} bodies are read at once; up to
 * {@code maxWaiting} more wait their turn with their bodies unread (the client's TCP window fills and it pauses,
 * or it holds its body back for the {@code 100 Continue} it asked for), and an upload beyond that is refused
 * (503 with Retry-After). Waiters get their slot in arrival order, each started on its own event loop; one that
 * waited too long is sent away by the routes ({@link #leave}), so slow uploads cannot keep the line full forever.
 */
final class UploadSlots {

    private final int limit;
    private final int maxWaiting;
    private final ArrayDeque<Waiter> line = new ArrayDeque<>();
    private int active;

    UploadSlots(int limit, int maxWaiting) {
        if (limit < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("upload slots need limit >= 1 and maxWaiting >= 0, got " + limit
                    + " and " + maxWaiting);
        }
        this.limit = limit;
        this.maxWaiting = maxWaiting;
    }

    /** An upload asking for a slot: what starts it, and the event loop to start it on when it had to wait. */
    record Waiter(Context context, Runnable start) { }

    /** What became of an upload that asked for a slot. */
    enum Admission { STARTED, WAITING, REFUSED }

    /**
     * Takes a slot for an upload: runs its start at once (on the calling thread) when one is free, else queues it
     * to run on its context when one is given back. REFUSED when the line is full: refuse the upload.
     */
    Admission admit(Waiter waiter) {
        synchronized (this) {
            if (active >= limit) {
                if (line.size() >= maxWaiting) {
                    return Admission.REFUSED;
                }
                line.add(waiter);
                return Admission.WAITING;
            }
            active++;
        }
        waiter.start().run();
        return Admission.STARTED;
    }

    /**
     * A waiting upload leaves the line (its client went away, or it waited too long). False when it was not in line
     * (started, or gone already).
     */
    synchronized boolean leave(Waiter waiter) {
        return line.remove(waiter);
    }

    /** Gives a slot back; the first upload in line gets it. */
    void release() {
        Waiter next;
        synchronized (this) {
            next = line.poll();
            if (next == null) {
                active--;
                return;
            }
        }
        next.context().runOnContext(v -> next.start().run());
    }

    synchronized int active() {
        return active;
    }

    synchronized int waiting() {
        return line.size();
    }
}
