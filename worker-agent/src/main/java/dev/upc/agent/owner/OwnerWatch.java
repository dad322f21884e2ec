package dev.upc.agent.owner;

import dev.upc.protocol.OwnerState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Decides whether the owner is using the PC: the {@link OwnerToggle} wins when set; otherwise the owner is ACTIVE
 * when any detector says so. Switches to ACTIVE at once (the owner must get the CPUs back quickly) but back to IDLE
 * only after {@code idleAfter} without any ACTIVE sample, like BOINC and HTCondor, so that a pause to read does
 * not send the jobs back just to vacate them again.
 *
 * <p>Samples on one daemon thread every {@code interval} (asked again after each sample: the agent samples often only
 * while jobs run here, when the owner's CPU is at stake); in between it sleeps, so an idle agent costs no CPU.
 * The listener hears every change of {@link #current()} at once: after a sample, or on the thread that changed
 * the toggle. It is called with the watch's lock held, so it must be quick and must not block.
 */
public final class OwnerWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OwnerWatch.class);

    private final OwnerToggle toggle;
    private final List<OwnerDetector> detectors;
    private final Supplier<Duration> interval;
    private final long idleAfterNanos;
    private final Consumer<OwnerState> listener;
    private final LongSupplier ticker;
    private final Consumer<OwnerToggle.Mode> toggleListener = this::onToggle;
    private final AtomicBoolean started = new AtomicBoolean();
    // Only the sampling thread (or the test calling sampleNow) touches it.
    private final Set<String> failing = new HashSet<>();

    // Guarded by this.
    private OwnerToggle.Mode override = OwnerToggle.Mode.AUTO;
    private OwnerState detected = OwnerState.IDLE;
    private long lastActiveNanos;

    private volatile OwnerState current = OwnerState.IDLE;
    private volatile ScheduledExecutorService executor;
    /** The next sample and when it is due (System.nanoTime); guarded by {@code schedule}. */
    private final Object schedule = new Object();
    private java.util.concurrent.ScheduledFuture<?> next;
    private long nextDue;

    public OwnerWatch(OwnerToggle toggle, List<OwnerDetector> detectors, Duration interval, Duration idleAfter,
            Consumer<OwnerState> listener) {
        this(toggle, detectors, interval, idleAfter, listener, System::nanoTime);
    }

    /** @param ticker monotonic nanoseconds, {@link System#nanoTime()} outside tests */
    OwnerWatch(OwnerToggle toggle, List<OwnerDetector> detectors, Duration interval, Duration idleAfter,
            Consumer<OwnerState> listener, LongSupplier ticker) {
        this(toggle, detectors, () -> interval, idleAfter, listener, ticker);
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
    }

    /** @param interval the time to the next sample, asked after each one (positive) */
    public OwnerWatch(OwnerToggle toggle, List<OwnerDetector> detectors, Supplier<Duration> interval,
            Duration idleAfter, Consumer<OwnerState> listener) {
        this(toggle, detectors, interval, idleAfter, listener, System::nanoTime);
    }

    private OwnerWatch(OwnerToggle toggle, List<OwnerDetector> detectors, Supplier<Duration> interval,
            Duration idleAfter, Consumer<OwnerState> listener, LongSupplier ticker) {
        if (idleAfter.isNegative()) {
            throw new IllegalArgumentException("idleAfter must not be negative, got " + idleAfter);
        }
        this.toggle = Objects.requireNonNull(toggle, "toggle");
        this.detectors = List.copyOf(detectors);
        this.interval = interval;
        this.idleAfterNanos = idleAfter.toNanos();
        this.listener = Objects.requireNonNull(listener, "listener");
        this.ticker = ticker;
    }

    /**
     * Follows the toggle, samples once on the calling thread (so {@link #current()} is right as soon as this
     * returns), then every {@code interval} on the watch's own thread.
     */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("owner watch already started");
        }
        toggle.addListener(toggleListener);
        sampleNow();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "upc-owner-watch");
            thread.setDaemon(true);
            return thread;
        });
        executor = scheduler;
        scheduleNext(scheduler);
    }

    /** The owner's state now, after the override and the hysteresis. */
    public OwnerState current() {
        return current;
    }

    /** Asks every detector once and applies the result. Runs on the watch's thread; tests call it directly. */
    void sampleNow() {
        toggle.expire(Instant.now());
        // Every detector is asked, even after an ACTIVE answer: the CPU detector measures between its own samples.
        OwnerState raw = OwnerState.IDLE;
        for (OwnerDetector detector : detectors) {
            if (sample(detector) == OwnerState.ACTIVE) {
                raw = OwnerState.ACTIVE;
            }
        }
        long now = ticker.getAsLong();
        synchronized (this) {
            if (raw == OwnerState.ACTIVE) {
                detected = OwnerState.ACTIVE;
                lastActiveNanos = now;
            } else if (detected == OwnerState.ACTIVE && now - lastActiveNanos >= idleAfterNanos) {
                detected = OwnerState.IDLE;
            }
            publish();
        }
    }

    private OwnerState sample(OwnerDetector detector) {
        try {
            OwnerState state = detector.sample();
            if (failing.remove(detector.name())) {
                LOG.infof("Owner detector %s works again", detector.name());
            }
            return state;
        } catch (Exception e) {
            // Logged once per outage, not every few seconds; while it fails it cannot veto an idle PC.
            if (failing.add(detector.name())) {
                LOG.warnf("Owner detector %s failed, counting it as IDLE until it works again: %s",
                        detector.name(), e.toString());
            }
            return OwnerState.IDLE;
        }
    }

    private void scheduleNext(ScheduledExecutorService scheduler) {
        scheduleIn(scheduler, Math.max(1, interval.get().toNanos()));
    }

    private void scheduleIn(ScheduledExecutorService scheduler, long nanos) {
        synchronized (schedule) {
            try {
                next = scheduler.schedule(() -> {
                    sampleSafely();
                    scheduleNext(scheduler);
                }, nanos, TimeUnit.NANOSECONDS);
                nextDue = System.nanoTime() + nanos;
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // closed: no more samples
            }
        }
    }

    /**
     * The interval may have become shorter (a job began to run here): the sample planned for later comes after the
     * new interval instead, so the owner is not missed for the rest of a long idle interval.
     */
    public void hurry() {
        ScheduledExecutorService scheduler = executor;
        if (scheduler == null) {
            return;
        }
        long nanos = Math.max(1, interval.get().toNanos());
        synchronized (schedule) {
            if (next != null && nextDue - System.nanoTime() > nanos && next.cancel(false)) {
                scheduleIn(scheduler, nanos);
            }
        }
    }

    private void sampleSafely() {
        try {
            sampleNow();
        } catch (RuntimeException | Error e) {
            // An exception would cancel the schedule for good; a listener bug must not stop the watch.
            LOG.error("Owner watch sample failed", e);
        }
    }

    private synchronized void onToggle(OwnerToggle.Mode mode) {
        override = mode;
        publish();
    }

    // Called with the lock held.
    private void publish() {
        OwnerState effective = override.forced().orElse(detected);
        if (effective != current) {
            current = effective;
            LOG.infof("Owner is %s%s", effective, override == OwnerToggle.Mode.AUTO ? "" : " (set by hand)");
            try {
                listener.accept(effective);
            } catch (RuntimeException e) {
                // The state has changed all the same; the caller (a sample or a toggle) is not to blame.
                LOG.error("Owner state listener failed", e);
            }
        }
    }

    /** Stops sampling and following the toggle; {@link #current()} keeps its last value. */
    @Override
    public void close() {
        toggle.removeListener(toggleListener);
        ScheduledExecutorService scheduler = executor;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
