package dev.upc.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContainerNamesTest {

    @Test
    void jobIdsMayContainDashes() {
        assertThat(ContainerNames.parse("upc-job-7-12")).contains(new ContainerNames("job-7", 12));
        assertThat(ContainerNames.parse("/upc-a-b-c-0")).contains(new ContainerNames("a-b-c", 0));
    }

    @Test
    void otherNamesAreNotJobContainers() {
        assertThat(ContainerNames.parse("upc-job")).isEmpty();
        assertThat(ContainerNames.parse("postgres")).isEmpty();
        assertThat(ContainerNames.parse("upc-job-x")).isEmpty();
    }
}
