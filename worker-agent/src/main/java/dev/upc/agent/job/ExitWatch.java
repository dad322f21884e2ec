package dev.upc.agent.job;

import dev.upc.agent.libpod.ContainerStats;
import dev.upc.agent.libpod.LibpodClient;
import dev.upc.agent.libpod.LibpodNotFoundException;
import dev.upc.agent.libpod.LibpodTimeoutException;
import dev.upc.agent.retry.Backoff;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Notices when a job's container stops, without polling: one thread per container blocks in libpod's
 * {@code wait?condition=exited} and hands the name to the exit handler when it returns. Also keeps each container's
 * latest CPU reading (from the heartbeat's stats), because a stopped container has none left to ask for.
 */
public final class ExitWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ExitWatch.class);
    /** libpod's wait has no keep-alive: re-issue it now and then so a silently dead connection is noticed. */
    private static final Duration WAIT_ROUND = Duration.ofHours(1);
    private static final Duration RETRY_MIN = Duration.ofSeconds(1);
    private static final Duration RETRY_MAX = Duration.ofSeconds(30);

    private final LibpodClient libpod;
    private final Map<String, Thread> watchers = new ConcurrentHashMap<>();
    private final Map<String, Double> cpuSeconds = new ConcurrentHashMap<>();
    /** CPU time of containers no longer watched: keeps {@link #totalCpu()} from ever going down. */
    private final java.util.concurrent.atomic.DoubleAdder retired = new java.util.concurrent.atomic.DoubleAdder();
    private volatile Consumer<String> onExit = name -> { };
    private volatile boolean closed;

    public ExitWatch(LibpodClient libpod) {
        this.libpod = libpod;
    }

    void onExit(Consumer<String> handler) {
        this.onExit = handler;
    }

    /** Starts watching the container unless it is watched already. */
    public synchronized void watch(String name) {
        Thread existing = watchers.get(name);
        if (existing != null && existing.isAlive()) {
            return;
        }
        Thread thread = new Thread(() -> await(name), "upc-wait-" + name);
        thread.setDaemon(true);
        watchers.put(name, thread); // before start: the thread checks that it is the current watcher
        thread.start();
    }

    /** Stops watching (the container is gone). */
    public void forget(String name) {
        watchers.remove(name);
        Double last = cpuSeconds.remove(name);
        if (last != null) {
            retired.add(last);
        }
    }

    public boolean watching(String name) {
        Thread thread = watchers.get(name);
        return thread != null && thread.isAlive();
    }

    /** Notes a stats reading of a running container. */
    public void sample(String name, ContainerStats stats) {
        cpuSeconds.put(name, stats.cpuSeconds());
    }

    /** The CPU time of the latest reading, or null before the first. */
    public Double cpuSeconds(String name) {
        return cpuSeconds.get(name);
    }

    /** The CPU time of all jobs at their latest readings, never decreasing (the owner detector subtracts it). */
    public Duration totalCpu() {
        double total = retired.sum();
        for (double seconds : cpuSeconds.values()) {
            total += seconds;
        }
        return Duration.ofNanos((long) (total * 1e9));
    }

    /** Reads the CPU time now if the container still runs; else the latest reading. */
    public Double cpuSecondsNow(String name) {
        try {
            sample(name, libpod.stats(name));
        } catch (RuntimeException e) {
            // stopped or busy: the latest reading will do
        }
        return cpuSeconds(name);
    }

    private void await(String name) {
        Backoff backoff = new Backoff(RETRY_MIN, RETRY_MAX);
        while (!closed && watchers.get(name) == Thread.currentThread()) {
            try {
                libpod.waitForExit(name, WAIT_ROUND);
                break;
            } catch (LibpodNotFoundException e) {
                break; // gone: the exit handler finds out
            } catch (LibpodTimeoutException e) {
                continue; // the round ended: wait again
            } catch (RuntimeException e) {
                Duration wait = backoff.next();
                LOG.debugf("container=%s: waiting for its exit failed (%s); again in %s", name, e.getMessage(), wait);
                sleep(wait);
            }
        }
        if (closed || watchers.get(name) != Thread.currentThread()) {
            return;
        }
        watchers.remove(name, Thread.currentThread());
        try {
            onExit.accept(name);
        } catch (RuntimeException e) {
            LOG.errorf(e, "container=%s: handling its exit failed; it is handled again at the next start", name);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        watchers.values().forEach(Thread::interrupt);
    }
}
