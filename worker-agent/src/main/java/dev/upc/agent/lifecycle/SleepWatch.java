package dev.upc.agent.lifecycle;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The PC's sleep as the agent sees it. The system announces it: {@code upc-agent prepare-sleep}, which systemd's
 * sleep hook runs before the PC suspends, has the agent hold its jobs. The agent notices the waking itself, as a jump
 * between the boot clock (which runs on while the PC sleeps) and the monotonic clock (which stops), so that a PC that
 * slept unannounced (no hook installed, a lid closed under another init) is caught too. Until it wakes, an
 * announcement keeps the jobs held; it lapses after a while if no sleep followed (the suspend failed or was cancelled).
 */
final class SleepWatch {

    /** A jump between the clocks this large is a sleep, not the clocks' own drift or a slow read. */
    private static final long WAKE_JUMP_MILLIS = 2_000;

    private final LongSupplier bootMillis;
    private final LongSupplier monotonicMillis;
    private final long announcementMillis;
    private long lastGap;
    private long announcedAt = -1;

    /**
     * @param bootMillis      milliseconds since boot, counting sleep
     * @param monotonicMillis a clock that stops while the PC sleeps
     * @param announcementLasts how long an announced sleep keeps the jobs held when the PC does not go to sleep
     */
    SleepWatch(LongSupplier bootMillis, LongSupplier monotonicMillis, Duration announcementLasts) {
        this.bootMillis = bootMillis;
        this.monotonicMillis = monotonicMillis;
        this.announcementMillis = announcementLasts.toMillis();
        this.lastGap = gap();
    }

    /** The PC is about to sleep. */
    synchronized void announced() {
        announcedAt = monotonicMillis.getAsLong();
    }

    /** Whether a sleep was announced and has neither happened yet nor lapsed. */
    synchronized boolean pending() {
        if (announcedAt >= 0 && monotonicMillis.getAsLong() - announcedAt > announcementMillis) {
            announcedAt = -1;
        }
        return announcedAt >= 0;
    }

    /**
     * Looks at the clocks: how long the PC slept since the last look, if it did. Waking ends an announced sleep.
     */
    synchronized OptionalLong woke() {
        long gap = gap();
        long slept = gap - lastGap;
        lastGap = gap;
        if (slept < WAKE_JUMP_MILLIS) {
            return OptionalLong.empty();
        }
        announcedAt = -1;
        return OptionalLong.of(slept);
    }

    private long gap() {
        return bootMillis.getAsLong() - monotonicMillis.getAsLong();
    }
}
