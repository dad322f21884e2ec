package dev.upc.e2e.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperimentPlanTest {

    @Test
    void theDefaultsLendAtMostOnePointTwoCoresToNineJobs() {
        ExperimentPlan plan = ExperimentPlan.defaults();

        assertThat(plan.pcs().stream().mapToInt(ExperimentPlan.Pc::cpuPercent).sum()).isLessThanOrEqualTo(120);
        assertThat(plan.units()).hasSize(9);
        assertThat(plan.minResidenceSeconds()).isEqualTo(6.0);
        assertThat(plan.marginSeconds()).isEqualTo(3.0);
    }

    @Test
    void optionsChangeTheDefaults() {
        ExperimentPlan plan = ExperimentPlan.parse(List.of("--units", "5, 4,3", "--owner-busy", "0",
                "--policy-scale", "1"));

        assertThat(plan.units()).containsExactly(5, 4, 3);
        assertThat(plan.ownerBusy()).isEqualTo(Duration.ZERO);
        assertThat(plan.minResidenceSeconds()).isEqualTo(60.0);
        assertThat(plan.policyNote()).contains("its defaults");
    }

    @Test
    void badOptionsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ExperimentPlan.parse(List.of("--units", "5,x")))
                .hasMessageContaining("--units wants a number");
        assertThatThrownBy(() -> ExperimentPlan.parse(List.of("--fast", "1"))).hasMessageContaining("--fast");
        assertThatThrownBy(() -> ExperimentPlan.parse(List.of("--owner-busy"))).hasMessageContaining("wants a value");
        assertThatThrownBy(() -> ExperimentPlan.parse(List.of("--units", "0"))).hasMessageContaining("positive");
    }
}
