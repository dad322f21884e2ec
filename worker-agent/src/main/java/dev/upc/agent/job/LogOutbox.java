package dev.upc.agent.job;

import dev.upc.protocol.JobLogChunk;
import dev.upc.protocol.JobLogLine;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The numbered lines of one container on their way to the scheduler: its follower puts them in, its shipper takes
 * them out in chunks. Bounded in bytes: when it is full the follower waits, and the lines stay in the container's log
 * file meanwhile, so a scheduler that is away for a while costs memory up to the bound and loses nothing as long as
 * the container lives. Lines leave when the scheduler has them ({@link #delivered}) or when shipping stops for good
 * ({@link #close}, which counts them as dropped).
 */
final class LogOutbox {

    /**
     * What a line costs beside its text, the larger of its heap (entry, line, string and instant objects, ~130 bytes)
     * and its JSON in a chunk ("at", "stream", quotes and commas, ~60 bytes): the bound is about the agent's memory.
     */
    static final int LINE_OVERHEAD = 160;
    /** A follower waiting for room looks again this often: the bound grows when other containers' logs end. */
    private static final long ROOM_RECHECK_MILLIS = 1000;

    private record Entry(long number, JobLogLine line, int bytes, long arrivedNanos) {
    }

    private final String jobId;
    private final long epoch;
    private final LongSupplier capacityBytes;
    private final int chunkBytes;
    private final long lingerNanos;
    private final ArrayDeque<Entry> pending = new ArrayDeque<>();
    private long pendingBytes;
    private long lastNumber;
    private long skipBelow = 1;
    private boolean ended;
    private boolean endDelivered;
    private boolean closed;
    private long shipped;
    private long skipped;
    private long dropped;

    /**
     * @param capacityBytes the bound, asked each time a line waits for room (it shrinks when more containers run)
     * @param chunkBytes    a chunk's size at most (in JSON bytes, about)
     * @param lingerNanos   how long a line may wait for others to share its chunk
     */
    LogOutbox(String jobId, long epoch, LongSupplier capacityBytes, int chunkBytes, long lingerNanos) {
        this.jobId = jobId;
        this.epoch = epoch;
        this.capacityBytes = capacityBytes;
        this.chunkBytes = chunkBytes;
        this.lingerNanos = lingerNanos;
    }

    /** What became of the lines so far. */
    record Counts(long read, long shipped, long skipped, long dropped, long pendingBytes) {
    }

    /**
     * Puts line {@code number} (numbers come in order, from 1) in; waits while the outbox is full. Lines below what the
     * scheduler said it holds are skipped at once. An interrupt does not end the wait (only {@link #close} does); it is
     * kept for the caller's next blocking call.
     *
     * @return false when the outbox is closed: nothing more is taken
     */
    synchronized boolean add(long number, JobLogLine line) {
        lastNumber = Math.max(lastNumber, number);
        if (closed) {
            return false;
        }
        if (number < skipBelow) {
            skipped++;
            return true;
        }
        int bytes = wireBytes(line.text());
        boolean interrupted = false;
        while (!closed && !pending.isEmpty() && pendingBytes + bytes > capacityBytes.getAsLong()) {
            try {
                wait(ROOM_RECHECK_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (closed) {
            return false;
        }
        pending.addLast(new Entry(number, line, bytes, System.nanoTime()));
        pendingBytes += bytes;
        if (pending.size() == 1 || full()) {
            notifyAll(); // the shipper starts a linger, or ships at once
        }
        return true;
    }

    /** No more lines will come: the container's log ended. The rest goes out at once, marked complete. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /**
     * Waits until a chunk is due and returns it: when a chunk's worth of lines is waiting, when the oldest line has
     * waited {@code linger}, or when the log ended (then with the rest, {@code complete}). Its lines stay here until
     * {@link #delivered}, so a failed shipment is simply asked for again.
     *
     * @return null when nothing will be due any more: closed, or the end was delivered
     */
    synchronized JobLogChunk nextChunk() throws InterruptedException {
        while (true) {
            if (closed || endDelivered) {
                return null;
            }
            if (pending.isEmpty()) {
                if (ended) {
                    return chunk();
                }
                wait();
                continue;
            }
            long waited = System.nanoTime() - pending.peekFirst().arrivedNanos;
            if (ended || full() || waited >= lingerNanos) {
                return chunk();
            }
            TimeUnit.NANOSECONDS.timedWait(this, lingerNanos - waited);
        }
    }

    /** The scheduler holds {@code chunk} and wants line {@code nextLine} next: what it has leaves the outbox. */
    synchronized void delivered(JobLogChunk chunk, long nextLine) {
        long end = chunk.firstLine() + chunk.lines().size();
        while (!pending.isEmpty() && pending.peekFirst().number < end) {
            pendingBytes -= pending.removeFirst().bytes;
            shipped++;
        }
        skipBelow = Math.max(skipBelow, nextLine);
        while (!pending.isEmpty() && pending.peekFirst().number < skipBelow) {
            pendingBytes -= pending.removeFirst().bytes;
            skipped++;
        }
        if (chunk.complete()) {
            endDelivered = true;
        }
        notifyAll(); // room for the follower
    }

    /** Waits {@code limit} before another try at shipping, or less if the log ends (or the outbox closes) meanwhile. */
    synchronized void pause(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        boolean endedBefore = ended;
        long left = limit.toNanos();
        while (left > 0 && !closed && ended == endedBefore) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
            left = deadline - System.nanoTime();
        }
    }

    /** Shipping stops for good: the lines still here are dropped. Returns how many. */
    synchronized long close() {
        if (closed) {
            return 0;
        }
        closed = true;
        long lost = pending.size();
        dropped += lost;
        pending.clear();
        pendingBytes = 0;
        notifyAll();
        return lost;
    }

    synchronized boolean endDelivered() {
        return endDelivered;
    }

    synchronized Counts counts() {
        return new Counts(lastNumber, shipped, skipped, dropped, pendingBytes);
    }

    private boolean full() {
        return pending.size() >= JobLogChunk.MAX_LINES || pendingBytes >= chunkBytes;
    }

    private JobLogChunk chunk() {
        List<JobLogLine> lines = new ArrayList<>(Math.min(pending.size(), JobLogChunk.MAX_LINES));
        long first = pending.isEmpty() ? lastNumber + 1 : pending.peekFirst().number;
        long bytes = 0;
        for (Entry entry : pending) {
            if (lines.size() == JobLogChunk.MAX_LINES || (!lines.isEmpty() && bytes + entry.bytes > chunkBytes)) {
                break;
            }
            lines.add(entry.line);
            bytes += entry.bytes;
        }
        return new JobLogChunk(jobId, epoch, first, lines, ended && lines.size() == pending.size());
    }

    /** The bytes {@code text} takes in JSON (UTF-8, escapes counted as their longest form), plus the line's overhead. */
    static int wireBytes(String text) {
        int bytes = LINE_OVERHEAD;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20) {
                bytes += 6;
            } else if (c == '"' || c == '\\') {
                bytes += 2;
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800 || Character.isSurrogate(c)) {
                bytes += 2;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
