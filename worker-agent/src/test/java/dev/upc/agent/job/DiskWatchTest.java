package dev.upc.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.driver.FakeTaskDriver;
import dev.upc.agent.driver.TaskConfig;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskLimits;
import dev.upc.agent.driver.TaskStatus;
import dev.upc.agent.state.AgentState;
import dev.upc.agent.state.ManagedContainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job that writes more than the PC lends is stopped with its reason; the others, and jobs not running, are not. */
class DiskWatchTest {

    private static final long MIB = 1024L * 1024;

    @TempDir
    Path dir;

    private final FakeTaskDriver driver = new FakeTaskDriver();
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    @Test
    void aJobPastTheLimitIsStoppedOnceWithItsReason() throws IOException {
        AgentState state = AgentState.open(dir);
        DiskWatch watch = new DiskWatch(driver, state, running::contains, name -> name, 100 * MIB);
        running(state, "upc-a-1");
        running(state, "upc-b-1");
        driver.write("upc-a-1", 100 * MIB); // at the limit: allowed
        driver.write("upc-b-1", 101 * MIB);

        watch.check();

        assertThat(status("upc-a-1").running()).isTrue();
        assertThat(status("upc-b-1").state()).isEqualTo(TaskStatus.State.EXITED);
        assertThat(status("upc-b-1").exitCode()).isEqualTo(137);
        assertThat(watch.takeReason("upc-a-1")).isEmpty();
        assertThat(watch.takeReason("upc-b-1")).hasValueSatisfying(reason -> assertThat(reason)
                .contains("more than the 100 MiB of disk this PC lends a job (upc.agent.job-disk-mib)")
                .contains("at least 101 MiB"));
        assertThat(watch.takeReason("upc-b-1")).as("taken once").isEmpty();
    }

    @Test
    void aJobIsHeldToWhatItAskedForWhenThatIsLess() throws IOException {
        AgentState state = AgentState.open(dir);
        DiskWatch watch = new DiskWatch(driver, state, running::contains, name -> name, 100 * MIB);
        running(state, "upc-a-1", 10);
        running(state, "upc-b-1", 0); // adopted: the PC's limit alone
        running(state, "upc-c-1", 500); // asked for more than the PC lends now: the PC's limit
        driver.write("upc-a-1", 11 * MIB);
        driver.write("upc-b-1", 50 * MIB);
        driver.write("upc-c-1", 101 * MIB);

        watch.check();

        assertThat(watch.takeReason("upc-a-1")).hasValueSatisfying(reason -> assertThat(reason)
                .contains("more than the 10 MiB of disk it asked for (diskMiB)").contains("at least 11 MiB"));
        assertThat(status("upc-b-1").running()).isTrue();
        assertThat(watch.takeReason("upc-c-1")).hasValueSatisfying(reason -> assertThat(reason)
                .contains("more than the 100 MiB of disk this PC lends a job"));
    }

    @Test
    void withoutAnyLimitNothingIsMeasured() throws IOException {
        AgentState state = AgentState.open(dir);
        DiskWatch watch = new DiskWatch(driver, state, running::contains, name -> name, 0);
        running(state, "upc-a-1", 0);

        watch.check();

        assertThat(driver.calls()).doesNotContain("writtenBytes upc-a-1");
    }

    @Test
    void aJobNotRunningIsNotMeasuredAndAStopThatFailsLeavesNoReason() throws IOException {
        AgentState state = AgentState.open(dir);
        DiskWatch watch = new DiskWatch(driver, state, running::contains, name -> name, MIB);
        running(state, "upc-a-1");
        running(state, "upc-b-1");
        running.remove("upc-a-1"); // checkpointed, or its exit is being handled
        driver.write("upc-a-1", 2 * MIB);
        driver.write("upc-b-1", 2 * MIB);
        driver.failNext("stop", new dev.upc.agent.driver.TaskDriverException("podman is busy", null));

        watch.check();

        assertThat(driver.calls()).doesNotContain("writtenBytes upc-a-1").contains("stop upc-b-1");
        assertThat(watch.takeReason("upc-b-1")).isEmpty();
        assertThat(status("upc-b-1").running()).isTrue();

        watch.check(); // the next round tries again
        assertThat(status("upc-b-1").running()).isFalse();
        assertThat(watch.takeReason("upc-b-1")).isPresent();
    }

    private TaskStatus status(String name) {
        return driver.inspect(TaskHandle.of(name)).orElseThrow();
    }

    private void running(AgentState state, String name) {
        running(state, name, 0);
    }

    private void running(AgentState state, String name, long diskMiB) {
        driver.create(new TaskConfig(TaskHandle.of(name), "localhost/count:1", List.of("/bin/count"), Map.of(),
                Map.of(), TaskLimits.of(1, 256 * MIB)));
        driver.start(TaskHandle.of(name));
        state.remember(new ManagedContainer(name, name.substring(4, 5), 1, "cmd", null, 1, 256, null, diskMiB));
        running.add(name);
    }
}
