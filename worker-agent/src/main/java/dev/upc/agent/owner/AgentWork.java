package dev.upc.agent.owner;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The agent's own heavy work on the PC — a command's CRIU dump or restore, an archive's transfer — which runs outside
 * the jobs' cgroups and would look like the owner to the {@link CpuLoadDetector}: a sample that overlaps it tells
 * nothing new. Without this the detector could only sample slowly (a dump of 256 MiB is about a core for 1.5 s) and
 * would be slow to see the owner.
 */
public final class AgentWork {

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong begun = new AtomicLong();

    /** Does {@code work}, counted as the agent's. */
    public <T> T during(Supplier<T> work) {
        begun.incrementAndGet();
        running.incrementAndGet();
        try {
            return work.get();
        } finally {
            running.decrementAndGet();
        }
    }

    /** A mark to ask {@link #since} about later; work running now makes any later question true. */
    long mark() {
        long mark = begun.get(); // first: work that begins between the two reads shows as either
        return running.get() > 0 ? -1 : mark;
    }

    /** Whether work runs now or began after {@code mark}. */
    boolean since(long mark) {
        return running.get() > 0 || begun.get() != mark;
    }
}
