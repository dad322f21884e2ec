package dev.upc.agent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeaseStepTest {

    @Test
    void aLapsedLeaseOrAWakingHoldsEveryJob() {
        assertThat(LeaseStep.of(true, false, false, false)).isEqualTo(LeaseStep.HOLD);
        assertThat(LeaseStep.of(false, true, false, false)).isEqualTo(LeaseStep.HOLD);
        assertThat(LeaseStep.of(true, false, true, false)).as("held already: stays so").isEqualTo(LeaseStep.HOLD);
    }

    @Test
    void heldJobsAreFreedOnlyByTheSchedulerAndNotBeforeThePcSlept() {
        assertThat(LeaseStep.of(false, false, true, false)).isEqualTo(LeaseStep.ASK);
        assertThat(LeaseStep.of(false, false, true, true)).isEqualTo(LeaseStep.WAIT);
        assertThat(LeaseStep.of(false, false, false, true)).as("announced, not held yet").isEqualTo(LeaseStep.HOLD);
    }

    @Test
    void allWellFreesOnlyStrays() {
        assertThat(LeaseStep.of(false, false, false, false)).isEqualTo(LeaseStep.FREE_STRAYS);
    }
}
