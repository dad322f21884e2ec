package dev.upc.scheduler.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SubmissionRateTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstOfTheRateGoesThroughThenOneEveryShareOfAMinute() {
        SubmissionRate rate = new SubmissionRate(6);

        for (int i = 0; i < 6; i++) {
            assertThat(rate.take("alice", 0)).as("submission " + i).isEmpty();
        }
        assertThat(rate.take("alice", 0)).contains(Duration.ofSeconds(10));
        assertThat(rate.take("alice", 5 * SECOND)).as("half a token later").contains(Duration.ofSeconds(5));
        assertThat(rate.take("alice", 10 * SECOND)).isEmpty();
        assertThat(rate.take("alice", 10 * SECOND)).isPresent();
    }

    @Test
    void usersHaveTheirOwnBucketsAndAnIdleOneFillsUpToTheBurstOnly() {
        SubmissionRate rate = new SubmissionRate(2);
        rate.take("alice", 0);
        rate.take("alice", 0);

        assertThat(rate.take("bob", 0)).isEmpty();
        assertThat(rate.take("alice", 0)).isPresent();
        long hourLater = 3600 * SECOND;
        assertThat(rate.take("alice", hourLater)).isEmpty();
        assertThat(rate.take("alice", hourLater)).isEmpty();
        assertThat(rate.take("alice", hourLater)).as("an idle hour saves no more than the burst").isPresent();
    }

    @Test
    void zeroMeansNoLimitAndANegativeRateIsAMistake() {
        SubmissionRate none = new SubmissionRate(0);
        for (int i = 0; i < 10_000; i++) {
            assertThat(none.take("alice", 0)).isEmpty();
        }
        assertThatThrownBy(() -> new SubmissionRate(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
