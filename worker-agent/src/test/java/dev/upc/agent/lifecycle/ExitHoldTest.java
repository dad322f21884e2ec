package dev.upc.agent.lifecycle;

import static dev.upc.agent.lifecycle.Fixtures.eventually;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard that holds the jobs of a dead agent, run for real (its shell, its pipe) over the fake driver's hold files:
 * the jobs listed are held when the pipe closes, however the agent went, and not before; a SIGTERM does not stop it.
 */
class ExitHoldTest {

    @TempDir
    Path dir;

    private final FakeTaskDriver driver = new FakeTaskDriver();
    private AgentState state;
    private ExitHold hold;

    @BeforeEach
    void setUp() {
        state = Fixtures.state(dir);
        hold = new ExitHold(state, driver, dir.resolve("exit-hold"));
    }

    @AfterEach
    void tearDown() throws IOException {
        hold.close();
        state.close();
        driver.close();
    }

    private TaskHandle running(String job) {
        String name = "upc-" + job + "-1";
        TaskHandle task = TaskHandle.of(name);
        driver.create(new TaskConfig(task, "img", List.of("run"), Map.of(), Map.of(), TaskLimits.of(1, null)));
        driver.start(task);
        state.remember(new ManagedContainer(name, job, 1, "c-" + job, null, 1, 64, null));
        return task;
    }

    private boolean suspended(TaskHandle task) {
        return driver.inspect(task).map(TaskStatus::suspended).orElse(false);
    }

    private List<String> listed() {
        try {
            return hold.listed();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theJobsRunningWhenTheAgentGoesAreHeldByItsGuard() throws Exception {
        TaskHandle a = running("a");
        hold.start(Duration.ofMinutes(1));
        TaskHandle b = running("b");
        hold.changed();
        assertThat(eventually(() -> listed().size() == 2)).as(listed().toString()).isTrue();
        ProcessHandle guard = ProcessHandle.of(hold.guardPid().orElseThrow()).orElseThrow();

        guard.destroy(); // SIGTERM, as systemd's stop sends every process of the unit
        Thread.sleep(300);
        assertThat(guard.isAlive()).as("a SIGTERM does not stop the guard").isTrue();
        assertThat(suspended(a)).as("nothing held while the agent lives").isFalse();

        hold.close(); // the pipe closes, as the kernel closes it for a process killed with -9
        assertThat(eventually(() -> !guard.isAlive())).isTrue();
        assertThat(suspended(a)).isTrue();
        assertThat(suspended(b)).isTrue();
    }

    @Test
    void aJobThatEndedOrWasNeverStartedIsNotListed() {
        TaskHandle gone = running("gone");
        TaskHandle stays = running("stays");
        TaskHandle created = TaskHandle.of("upc-created-1");
        driver.create(new TaskConfig(created, "img", List.of("run"), Map.of(), Map.of(), TaskLimits.of(1, null)));
        state.remember(new ManagedContainer(created.name(), "created", 1, "c-created", null, 1, 64, null));
        hold.start(Duration.ofMinutes(1));
        assertThat(eventually(() -> listed().size() == 2)).isTrue();

        driver.kill(gone);
        state.forget(gone.name());
        hold.changed();
        assertThat(eventually(() -> listed().size() == 1)).isTrue();
        assertThat(listed().get(0)).endsWith("/" + stays.name());
    }
}
