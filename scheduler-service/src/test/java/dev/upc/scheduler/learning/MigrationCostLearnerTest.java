package dev.upc.scheduler.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.upc.scheduler.learning.MigrationCostLearner.Measured;
import dev.upc.scheduler.policy.MigrationCosts;
import dev.upc.scheduler.policy.PolicySettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationCostLearnerTest {

    /** 1 s fixed, 100 MB/s: a 100 MB checkpoint is modelled at 2 s. */
    private static final PolicySettings SETTINGS = new PolicySettings(true, 100e6, 1.0, 1.0, 30, 0.1, 60, 600);

    @Test
    void withoutHistoryTheModelIsAllThereIs() {
        assertThat(MigrationCostLearner.learn(List.of(), SETTINGS)).isEqualTo(MigrationCosts.MODEL);
        assertThat(MigrationCosts.MODEL.seconds(SETTINGS, "a", "b", 100_000_000)).isEqualTo(2.0);
    }

    @Test
    void aMeasuredRouteCostsWhatItMeasuredAtAnySizeAndOtherRoutesWhatAllRoutesDid() {
        MigrationCosts costs = MigrationCostLearner.learn(List.of(new Measured("a", "b", 100_000_000, 6000),
                new Measured("c", "b", 100_000_000, 2000)), SETTINGS);

        assertThat(costs.seconds(SETTINGS, "a", "b", 100_000_000)).isCloseTo(6.0, within(1e-9));
        assertThat(costs.seconds(SETTINGS, "a", "b", 0)).as("3 × the model's 1 s").isCloseTo(3.0, within(1e-9));
        assertThat(costs.seconds(SETTINGS, "c", "b", 100_000_000)).isCloseTo(2.0, within(1e-9));
        double overall = 3 + MigrationCostLearner.WEIGHT * (1 - 3);
        assertThat(costs.overallFactor()).isCloseTo(overall, within(1e-9));
        assertThat(costs.seconds(SETTINGS, "d", "a", 100_000_000)).isCloseTo(2 * overall, within(1e-9));
        assertThat(costs.seconds(SETTINGS, null, "a", 100_000_000)).isCloseTo(2 * overall, within(1e-9));
    }

    @Test
    void recentMovesWeighMostAndOddOnesAreBoundedOrIgnored() {
        MigrationCosts costs = MigrationCostLearner.learn(List.of(new Measured("a", "b", 0, 1000),
                new Measured("a", "b", 0, 5000), new Measured("a", "b", 0, 3_600_000),
                new Measured(null, "b", 0, 9000), new Measured("a", "c", 0, 0)), SETTINGS);

        double expected = 1 + MigrationCostLearner.WEIGHT * (5 - 1);
        expected = expected + MigrationCostLearner.WEIGHT * (MigrationCostLearner.MAX_FACTOR - expected);
        assertThat(costs.factorByRoute()).containsOnlyKeys(new MigrationCosts.Route("a", "b"));
        assertThat(costs.factorByRoute().get(new MigrationCosts.Route("a", "b"))).isCloseTo(expected, within(1e-9));
    }
}
