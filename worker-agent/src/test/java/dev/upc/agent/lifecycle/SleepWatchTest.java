package dev.upc.agent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SleepWatchTest {

    private final AtomicLong boot = new AtomicLong(1_000_000);
    private final AtomicLong monotonic = new AtomicLong(5_000);
    private final SleepWatch watch = new SleepWatch(boot::get, monotonic::get, Duration.ofMinutes(1));

    private void awake(long millis) {
        boot.addAndGet(millis);
        monotonic.addAndGet(millis);
    }

    private void asleep(long millis) {
        boot.addAndGet(millis); // the monotonic clock stops while the PC sleeps
    }

    @Test
    void timePassingAwakeIsNoSleep() {
        awake(600_000);
        assertThat(watch.woke()).isEmpty();
        boot.addAndGet(500); // the clocks' own drift, a slow read
        assertThat(watch.woke()).isEmpty();
    }

    @Test
    void aSleepShowsOnceAsTheJumpBetweenTheClocks() {
        awake(1_000);
        asleep(3_600_000);
        awake(200);
        assertThat(watch.woke()).hasValue(3_600_000);
        assertThat(watch.woke()).isEmpty();
    }

    @Test
    void anAnnouncedSleepIsPendingUntilThePcWakes() {
        watch.announced();
        awake(30_000);
        assertThat(watch.pending()).isTrue();
        assertThat(watch.woke()).isEmpty();
        asleep(120_000); // longer than the announcement lasts: asleep, it does not lapse
        assertThat(watch.woke()).hasValue(120_000);
        assertThat(watch.pending()).isFalse();
    }

    @Test
    void anAnnouncementNoSleepFollowsLapses() {
        watch.announced();
        awake(59_000);
        assertThat(watch.pending()).isTrue();
        awake(2_000);
        assertThat(watch.pending()).isFalse();
    }
}
