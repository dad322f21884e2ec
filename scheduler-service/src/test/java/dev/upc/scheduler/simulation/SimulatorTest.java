package dev.upc.scheduler.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.scheduler.policy.EarliestFinishPolicy;
import dev.upc.scheduler.policy.FirstFreePolicy;
import dev.upc.scheduler.policy.PolicySettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    private final PolicySettings settings = PolicySettings.defaults();
    private final Simulator simulator = new Simulator(settings, 10);

    @Test
    void oneJobOnOnePcTakesItsWorkOverItsSpeedPlusStart() {
        Scenario scenario = new Scenario("one", List.of(new Scenario.Pc("pc", 2.0, 1, Scenarios.FACTS, List.of())),
                List.of(new Scenario.Job("j", 100, 100.0, 1, 1 << 20, 0)));

        Simulator.Result result = simulator.run(scenario, new FirstFreePolicy());

        assertThat(result.makespan()).isCloseTo(51.0, org.assertj.core.data.Offset.offset(1.0));
        assertThat(result.lowerBound()).isEqualTo(50.0);
        assertThat(result.runSeconds()).isEqualTo(50.0); // running, not starting
        assertThat(result.meanTurnaround()).isCloseTo(51.0, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void movingAJobToAFasterPcShortensTheSumOfJobRunTime() {
        // the fast PC's owner leaves at 20 s; the job on the slow PC has 80 of its 100 s of work left by then
        Scenario scenario = Scenarios.demo(List.of(1.0, 0.25), List.of(100.0, 25.0), List.of(100.0, 25.0), 20,
                1 << 20);
        Simulator fast = new Simulator(new PolicySettings(true, 130e6, 1.0, 1.0, 3, 0.1, 6, 600), 2);

        Simulator.Result stay = fast.run(scenario, new EarliestFinishPolicy(settings.withoutMigration()));
        Simulator.Result move = fast.run(scenario, new EarliestFinishPolicy(
                new PolicySettings(true, 130e6, 1.0, 1.0, 3, 0.1, 6, 600)));

        assertThat(move.migrations()).isPositive();
        assertThat(move.runSeconds()).isLessThan(stay.runSeconds() * 0.8);
        assertThat(move.makespan()).isLessThan(stay.makespan());
    }

    @Test
    void ownerTimeStopsProgressUntilTheOwnerLeaves() {
        Scenario scenario = new Scenario("owner", List.of(new Scenario.Pc("pc", 1.0, 1, Scenarios.FACTS,
                List.of(new Scenario.Session(10, 110)))), List.of(new Scenario.Job("j", 100, 100.0, 1, 1 << 20, 0)));

        Simulator.Result result = simulator.run(scenario, new FirstFreePolicy());

        assertThat(result.makespan()).isCloseTo(201.0, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void onTheUpcExperimentMigrationBeatsBothBaselines() {
        Scenario scenario = Scenarios.upcExperiment();

        double firstFree = simulator.run(scenario, new FirstFreePolicy()).makespan();
        double earliestFinish = simulator.run(scenario, new EarliestFinishPolicy(settings.withoutMigration())).makespan();
        Simulator.Result upc = simulator.run(scenario, new EarliestFinishPolicy(settings));

        assertThat(upc.migrations()).isPositive();
        assertThat(upc.makespan()).isLessThan(earliestFinish);
        assertThat(earliestFinish).isLessThan(firstFree);
        assertThat(upc.makespan()).isGreaterThanOrEqualTo(scenario.lowerBound());
    }

    /** The target for {@code ./upc bench policy}: within 15 % of the lower bound, ahead of both baselines. */
    @Test
    void onTheBenchsRandomScenariosUpcIsWithin15PercentOfTheLowerBound() {
        for (long seed = 1; seed <= 3; seed++) {
            Scenario scenario = Scenarios.random(seed, 100, 1000);
            Simulator.Result upc = simulator.run(scenario, new EarliestFinishPolicy(settings));
            double earliestFinish = simulator.run(scenario, new EarliestFinishPolicy(settings.withoutMigration()))
                    .makespan();

            assertThat(upc.ratio()).as(scenario.name()).isLessThanOrEqualTo(1.15);
            assertThat(upc.makespan()).as(scenario.name()).isLessThan(earliestFinish);
        }
    }
}
