package dev.upc.e2e;

import dev.upc.agent.driver.JobCgroups;
import dev.upc.agent.driver.LibpodDriver;
import dev.upc.agent.driver.TaskConfig;
import dev.upc.agent.driver.TaskDriver;
import dev.upc.agent.driver.TaskDriverContract;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.libpod.PodmanHost;
import dev.upc.agent.libpod.UserNamespace;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterJobs;
import dev.upc.e2e.pc.SimulatedPc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;

/**
 * The {@link TaskDriverContract} on the libpod driver with real podman, runc and CRIU: one simulated PC holding the
 * counter image, and the counter as the long-running task. Each subclass starts the PC its way in its own
 * {@code @BeforeAll} ({@link #startPc}).
 */
abstract class LibpodContractIT extends TaskDriverContract {

    static SimulatedPc pc;
    static LibpodDriver driver;

    /** Starts PC {@code name} with the counter image, and a driver whose jobs run in {@code users}, if given. */
    static void startPc(String name, Optional<UserNamespace> users) {
        CounterImage image = CounterImage.build(Path.of("target"));
        pc = SimulatedPc.start(name);
        image.ensureOn(pc.client());
        PodmanHost host = pc.client().host();
        driver = new LibpodDriver(pc.client(), new JobCgroups(Path.of("/sys/fs/cgroup"), host.cgroupVersion(),
                host.cgroupManager()), users);
    }

    @AfterAll
    static void stopPc() {
        if (pc != null) {
            pc.close();
            pc = null;
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
}
