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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
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

    /**
     * A job that CRIU is dumping when the agent dies (its tasks traced) must not be frozen under CRIU's feet, which
     * hangs the dump and podman with it: the guard waits until the tracer lets go. {@code strace} stands in for CRIU.
     */
    @Test
    void aJobBeingCheckpointedIsHeldOnlyOnceTheTracerLetsGo() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is not installed");
        Process tracer = new ProcessBuilder("/usr/bin/strace", "-I1", "-o", "/dev/null", "sleep", "60")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(eventually(() -> tracer.children().findAny().map(p -> tracerOf(p.pid()) == tracer.pid())
                    .orElse(false))).as("strace traces its sleep").isTrue();
            long traced = tracer.children().findAny().orElseThrow().pid();
            TaskHandle task = running("dumped");
            hold.start(Duration.ofMinutes(1));
            assertThat(eventually(() -> listed().size() == 1)).isTrue();
            Path cgroup = Path.of(listed().get(0).split(" ")[2]).getParent();
            Files.writeString(cgroup.resolve("cgroup.procs"), traced + "\n");

            java.util.concurrent.atomic.AtomicBoolean heldWhileTraced = new java.util.concurrent.atomic.AtomicBoolean();
            Thread letGo = new Thread(() -> {
                try {
                    Thread.sleep(1500);
                    heldWhileTraced.set(suspended(task));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    tracer.destroy(); // strace detaches from its sleep and exits
                }
            });
            letGo.start();
            hold.close();
            letGo.join();
            assertThat(heldWhileTraced).as("not held while traced").isFalse();
            assertThat(eventually(() -> suspended(task))).as("held once the tracer let go").isTrue();
        } finally {
            tracer.descendants().forEach(ProcessHandle::destroy);
            tracer.destroyForcibly();
        }
    }

    private static long tracerOf(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(line -> line.startsWith("TracerPid:")).mapToLong(line -> Long.parseLong(line.substring(10).strip()))
                    .findFirst().orElse(0);
        } catch (IOException e) {
            return 0;
        }
    }
}
