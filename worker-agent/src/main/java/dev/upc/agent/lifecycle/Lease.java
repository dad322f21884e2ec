package dev.upc.agent.lifecycle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * How long this PC may run its jobs on without the control plane hearing from it, in the manner of HTCondor's claim
 * leases. The scheduler gives a PC's jobs to others only once the registry has not heard from it for its lost-after
 * time (90 s by default); a lease shorter than that ({@code upc.agent.lease}, 60 s) makes a PC cut off from the
 * control plane hold its jobs before anyone restores them elsewhere, so a partition never yields two live copies.
 *
 * <p>Each heartbeat the registry takes renews the lease from the moment it was sent. Time is read from the boot clock
 * ({@code /proc/uptime}, which runs on while the PC sleeps, unlike {@link System#nanoTime}): a PC that slept through
 * its lease wakes with it lapsed and holds its jobs at once.
 */
final class Lease {

    private static final Path UPTIME = Path.of("/proc/uptime");

    private final long lengthMillis;
    private final LongSupplier bootMillis;
    private volatile long renewedAt;
    private boolean missedLapse;

    /** @param bootMillis milliseconds since boot, counting sleep */
    Lease(Duration length, LongSupplier bootMillis) {
        this.lengthMillis = length.toMillis();
        this.bootMillis = bootMillis;
        this.renewedAt = bootMillis.getAsLong(); // a fresh start holds nothing until the lease has run out
    }

    /** The boot clock now, for a renewal that counts from a call's start. */
    long now() {
        return bootMillis.getAsLong();
    }

    /**
     * The control plane heard from the PC at {@code sentAt} ({@link #now()} when the call began). A renewal that comes
     * after the lease ran out (the PC slept through it, and a beat on waking went through before a check saw the
     * lapse) is remembered as a missed lapse: the jobs may run elsewhere meanwhile all the same.
     */
    synchronized void renewed(long sentAt) {
        if (sentAt > renewedAt) {
            if (sentAt - renewedAt > lengthMillis) {
                missedLapse = true;
            }
            renewedAt = sentAt;
        }
    }

    /** Whether a lapse went by unseen since the last call (see {@link #renewed}); clears it. */
    synchronized boolean takeMissedLapse() {
        boolean missed = missedLapse;
        missedLapse = false;
        return missed;
    }

    /** Whether the lease ran out: the control plane has not heard from the PC for longer than it lasts. */
    boolean lapsed() {
        return bootMillis.getAsLong() - renewedAt > lengthMillis;
    }

    /** Milliseconds since boot, sleep included, from {@code /proc/uptime}; the monotonic clock where it cannot be read. */
    static LongSupplier bootClock() {
        if (uptimeMillis().isEmpty()) {
            return () -> System.nanoTime() / 1_000_000;
        }
        long offset = System.nanoTime() / 1_000_000 - uptimeMillis().orElse(0);
        return () -> uptimeMillis().orElseGet(() -> System.nanoTime() / 1_000_000 - offset);
    }

    private static OptionalLong uptimeMillis() {
        try {
            String text = Files.readString(UPTIME, StandardCharsets.US_ASCII);
            String seconds = text.substring(0, text.indexOf(' '));
            return OptionalLong.of(Math.round(Double.parseDouble(seconds) * 1000));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
