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
import dev.upc.agent.libpod.PodmanHost;
import dev.upc.agent.libpod.UserNamespace;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterJobs;
import dev.upc.e2e.pc.SimulatedPc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Job containers in a user namespace keep the whole {@link TaskDriverContract} with real podman, runc and CRIU 4.1.1:
 * created, suspended, checkpointed, restored in place and under another name. Their root is host uid
 * {@value #HOST_ID} and stays so after a restore, whatever the archive said.
 */
class UserNamespaceDriverIT extends TaskDriverContract {

    private static final long HOST_ID = 1_000_000_000L;
    private static SimulatedPc pc;
    private static LibpodDriver driver;

    @BeforeAll
    static void startPc() {
        CounterImage image = CounterImage.build(Path.of("target"));
        pc = SimulatedPc.start("userns");
        image.ensureOn(pc.client());
        PodmanHost host = pc.client().host();
        driver = new LibpodDriver(pc.client(), new JobCgroups(Path.of("/sys/fs/cgroup"), host.cgroupVersion(),
                host.cgroupManager()), Optional.of(new UserNamespace(HOST_ID, 65_536)));
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

    @Test
    void theJobsRootIsAnUnprivilegedHostUserBeforeAndAfterAMove() throws IOException {
        TaskHandle source = handle();
        driver.create(longRunning(source));
        driver.start(source);
        started(source);
        assertThat(hostUid(source)).isEqualTo(HOST_ID);

        byte[] archive;
        try (TaskArchive export = driver.checkpoint(source, CheckpointMode.STOP)) {
            archive = export.readAllBytes();
        }
        TaskHandle target = handle();
        driver.restore(new ByteArrayInputStream(archive), target, CounterImage.REFERENCE, limits());

        assertThat(hostUid(target)).as("restored in this PC's user namespace").isEqualTo(HOST_ID);
        CounterJobs.await(pc.client(), target.name(), out -> out.lastTick() >= 4, Duration.ofSeconds(30));
    }

    /** The host uid of the task's first process (its {@code Uid:} line: real, effective, saved, file system). */
    private static long hostUid(TaskHandle task) throws IOException {
        long pid = pc.client().inspect(task.name()).pid();
        String uid = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(line -> line.startsWith("Uid:")).findFirst().orElseThrow();
        return Long.parseLong(uid.split("\\s+")[2]); // effective
    }
}
