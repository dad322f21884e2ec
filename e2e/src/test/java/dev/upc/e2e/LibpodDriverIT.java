package dev.upc.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.driver.CheckpointMode;
import dev.upc.agent.driver.TaskArchive;
import dev.upc.agent.driver.TaskConfig;
import dev.upc.agent.driver.TaskDriverContract;
import dev.upc.agent.driver.TaskHandle;
import dev.upc.agent.driver.TaskLimits;
import dev.upc.e2e.job.CounterImage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The libpod driver keeps the {@link TaskDriverContract} with a real podman and CRIU (one simulated PC), and a held
 * task really gets no CPU: the agent's unit tests, which run on the contract's fake, learn nothing podman would
 * contradict.
 */
class LibpodDriverIT extends LibpodContractIT {

    @BeforeAll
    static void startPc() {
        startPc("driver", Optional.empty());
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

    /** What a task writes into its own file system is counted, up to the point asked for. */
    @Test
    void theBytesATaskWroteAreCounted() throws Exception {
        TaskHandle task = handle();
        driver.create(new TaskConfig(task, CounterImage.REFERENCE, List.of("sh", "-c",
                "dd if=/dev/zero of=/tmp/a bs=1M count=12 2>/dev/null; dd if=/dev/zero of=/out/b bs=1M count=8"
                        + " 2>/dev/null; sleep 600"),
                Map.of(), Map.of(), TaskLimits.of(0.5, 64L * 1024 * 1024)));
        driver.start(task);
        long deadline = System.nanoTime() + 30_000_000_000L;
        long written = 0;
        while (written < 20L << 20 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            written = driver.writtenBytes(task, Long.MAX_VALUE).orElseThrow();
        }

        assertThat(written).as("12 + 8 MiB written").isBetween(20L << 20, 21L << 20);
        assertThat(driver.writtenBytes(task, 1L << 20).orElseThrow()).as("counted just past 1 MiB")
                .isBetween(8L << 20, 12L << 20);
    }

    private static double cpu(TaskHandle task) throws IOException {
        return driver.inspect(task).orElseThrow().cpuSeconds();
    }
}
