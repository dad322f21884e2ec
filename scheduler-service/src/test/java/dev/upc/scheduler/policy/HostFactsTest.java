package dev.upc.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostFactsTest {

    @Test
    void comparesDottedVersionsNumerically() {
        assertThat(HostFacts.compareVersions("4.10", "4.9")).isPositive();
        assertThat(HostFacts.compareVersions("4.1.1", "4.1")).isPositive();
        assertThat(HostFacts.compareVersions("4.1", "4.1.0")).isZero();
        assertThat(HostFacts.compareVersions("3.17.1", "4.1.1")).isNegative();
    }
}
