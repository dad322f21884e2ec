package dev.upc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.driver.CheckpointMode;
import dev.upc.agent.driver.TaskArchive;
import dev.upc.agent.driver.TaskDriverContract;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.libpod.UserNamespace;
import dev.upc.e2e.job.CounterImage;
import dev.upc.e2e.job.CounterJobs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Job containers in a user namespace keep the whole {@link TaskDriverContract} with real podman, runc and CRIU 4.1.1:
 * created, suspended, checkpointed, restored in place and under another name. Their root is host uid
 * {@value #HOST_ID} and stays so after a restore, whatever the archive said.
 */
class UserNamespaceDriverIT extends LibpodContractIT {

    private static final long HOST_ID = 1_000_000_000L;

    @BeforeAll
    static void startPc() {
        startPc("userns", Optional.of(new UserNamespace(HOST_ID, 65_536)));
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
