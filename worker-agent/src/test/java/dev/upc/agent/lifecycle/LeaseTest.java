package dev.upc.agent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lease runs out a lease-length after the last beat the control plane took, counted from when it was sent. */
class LeaseTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Lease lease = new Lease(Duration.ofSeconds(60), now::get);

    @Test
    void aFreshLeaseLastsItsLength() {
        now.addAndGet(60_000);
        assertThat(lease.lapsed()).isFalse();
        now.addAndGet(1);
        assertThat(lease.lapsed()).isTrue();
    }

    @Test
    void aBeatRenewsItFromWhenItWasSentNotWhenItCameBack() {
        now.addAndGet(50_000);
        long sent = lease.now();
        now.addAndGet(20_000); // a slow answer
        lease.renewed(sent);
        assertThat(lease.lapsed()).isFalse();
        now.addAndGet(40_001);
        assertThat(lease.lapsed()).as("60 s after the beat was sent").isTrue();
    }

    @Test
    void anOlderBeatThatComesBackLateDoesNotShortenIt() {
        long early = lease.now();
        now.addAndGet(30_000);
        lease.renewed(lease.now());
        lease.renewed(early);
        now.addAndGet(59_000);
        assertThat(lease.lapsed()).isFalse();
    }

    @Test
    void aLapseABeatCameBackFromIsNotMissed() {
        now.addAndGet(600_000); // slept ten minutes
        lease.renewed(lease.now()); // a beat on waking went through before any check
        assertThat(lease.lapsed()).isFalse();
        assertThat(lease.takeMissedLapse()).as("the jobs may run elsewhere: hold them all the same").isTrue();
        assertThat(lease.takeMissedLapse()).isFalse();
        now.addAndGet(10_000);
        lease.renewed(lease.now());
        assertThat(lease.takeMissedLapse()).isFalse();
    }

    @Test
    void theBootClockCountsFromBootAndMovesOn() throws InterruptedException {
        var clock = Lease.bootClock();
        long first = clock.getAsLong();
        Thread.sleep(30);
        assertThat(clock.getAsLong()).isGreaterThanOrEqualTo(first + 10).isGreaterThan(0);
    }
}
