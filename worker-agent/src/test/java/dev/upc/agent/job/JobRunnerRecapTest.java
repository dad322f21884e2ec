package dev.upc.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.driver.FakeTaskDriver;
import dev.upc.agent.driver.TaskConfig;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskLimits;
import dev.upc.agent.job.LogShipper.Settings;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import dev.upc.protocol.JobLogAck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The owner's CPU cap changed at run time reaches the jobs already running, on the fake driver. */
class JobRunnerRecapTest {

    private static final long MIB = 1024L * 1024;

    @TempDir
    Path dir;

    @Test
    void everyJobGetsItsPartOfTheNewCapAndKeepsItsMemory() throws IOException {
        AgentState state = AgentState.open(dir);
        FakeTaskDriver driver = new FakeTaskDriver();
        running(driver, state, "upc-a-1", 0.8); // a 1-CPU job under an 80 % cap
        running(driver, state, "upc-b-1", 1.6); // a 2-CPU job
        AtomicReference<Double> share = new AtomicReference<>(0.8);
        JobRunner runner = new JobRunner(driver, null, null, null, state,
                new JobRunner.Limits(2, share::get, 1024), new ExitWatch(null),
                new LogShipper(null, chunk -> new JobLogAck(0, true, null), Settings.defaults()), false);

        share.set(0.25);
        runner.recap();

        assertThat(state.container("upc-a-1").orElseThrow().cpus()).isCloseTo(0.25, within());
        assertThat(state.container("upc-b-1").orElseThrow().cpus()).isCloseTo(0.5, within());
        assertThat(driver.task("upc-a-1").orElseThrow().limits())
                .isEqualTo(new TaskLimits(25_000, 100_000, 256 * MIB));
        assertThat(driver.task("upc-b-1").orElseThrow().limits())
                .isEqualTo(new TaskLimits(50_000, 100_000, 256 * MIB));

        int calls = driver.calls().size();
        runner.recap();
        assertThat(driver.calls()).as("no change, no call").hasSize(calls);

        share.set(1.0);
        state.forget("upc-b-1"); // ended meanwhile
        runner.recap();
        assertThat(state.container("upc-a-1").orElseThrow().cpus()).isCloseTo(1.0, within());
        assertThat(driver.task("upc-a-1").orElseThrow().limits().cpuQuotaMicros()).isEqualTo(100_000);
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }

    private static void running(FakeTaskDriver driver, AgentState state, String name, double cpus) {
        driver.create(new TaskConfig(TaskHandle.of(name), "localhost/count:1", List.of("/bin/count"), Map.of(),
                Map.of(), TaskLimits.of(cpus, 256 * MIB)));
        driver.start(TaskHandle.of(name));
        state.remember(new ManagedContainer(name, name.substring(4, 5), 1, "cmd", null, cpus, 256, null));
    }
}
