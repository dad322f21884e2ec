package dev.upc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.driver.CheckpointMode;
import dev.upc.agent.driver.JobCgroups;
import dev.upc.agent.driver.LibpodDriver;
import dev.upc.agent.driver.TaskArchive;
import dev.upc.agent.driver.TaskConfig;
import dev.upc.agent.driver.TaskDriver;
import dev.upc.agent.driver.TaskDriverContract;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskLimits;
import dev.upc.agent.libpod.PodmanHost;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterJobs;
import dev.upc.e2e.pc.SimulatedPc;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The libpod driver keeps the {@link TaskDriverContract} with a real podman and CRIU (one simulated PC), and a held
 * task really gets no CPU: the agent's unit tests, which run on the contract's fake, learn nothing podman would
 * contradict.
 */
class LibpodDriverIT extends TaskDriverContract {

    private static SimulatedPc pc;
    private static LibpodDriver driver;

    @BeforeAll
    static void startPc() {
        CounterImage image = CounterImage.build(Path.of("target"));
        pc = SimulatedPc.start("driver");
        image.ensureOn(pc.client());
        PodmanHost host = pc.client().host();
        driver = new LibpodDriver(pc.client(), new JobCgroups(Path.of("/sys/fs/cgroup"), host.cgroupVersion(),
                host.cgroupManager()));
    }

    @AfterAll
    static void stopPc() {
        if (pc != null) {
            pc.close();
        }
    }

    @Override
    protected TaskDriver driver() {
        return driver;
    }

    @Override
    protected TaskConfig longRunning(TaskHandle handle) {
        return new TaskConfig(handle, CounterImage.REFERENCE, CounterImage.counter(8, 50), Map.of(), Map.of(),
                limits());
    }

    @Override
    protected void started(TaskHandle task) {
        CounterJobs.await(pc.client(), task.name(), out -> out.lastTick() >= 2, Duration.ofSeconds(30));
    }

    /** A busy task's CPU time stops while suspended and grows again once resumed; suspended, it still dumps quickly. */
    @Test
    void aHeldTaskGetsNoCpuAndDumpsQuickly() throws Exception {
        TaskHandle task = handle();
        driver.create(new TaskConfig(task, CounterImage.REFERENCE, List.of("sh", "-c", "while :; do :; done"),
                Map.of(), Map.of(), TaskLimits.of(0.5, 64L * 1024 * 1024)));
        driver.start(task);
        Thread.sleep(300);

        assertThat(driver.suspend(task)).isTrue();
        double held = cpu(task);
        Thread.sleep(1000);
        double heldFor1s = cpu(task) - held;
        driver.resume(task, TaskLimits.of(0.5, null));
        double freed = cpu(task);
        Thread.sleep(1000);
        double freeFor1s = cpu(task) - freed;

        assertThat(heldFor1s).as("CPU seconds in 1 s frozen").isLessThan(0.005);
        assertThat(freeFor1s).as("CPU seconds in 1 s free (half a core)").isGreaterThan(0.3);

        driver.suspend(task);
        long before = System.nanoTime();
        try (TaskArchive archive = driver.checkpoint(task, CheckpointMode.STOP)) {
            archive.transferTo(java.io.OutputStream.nullOutputStream());
        }
        long dumpMs = (System.nanoTime() - before) / 1_000_000;
        assertThat(dumpMs).as("a frozen task's dump (under a 0.1 %% quota it took seconds)").isLessThan(3000);
    }

    private static double cpu(TaskHandle task) throws IOException {
        return driver.inspect(task).orElseThrow().cpuSeconds();
    }
}
